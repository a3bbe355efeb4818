// The board's server state. Query keys: ["errors", <what>, <language>, <filter>...] so that every write on the
// board invalidates one prefix, and texts the API translates are cached per language.
import { keepPreviousData, queryOptions, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";

import { useMemo } from "react";

import { api, ApiError, call, type Schemas } from "../../api/client";
import { useI18n } from "../../app/useI18n";
import type { ApiFilter, Sort } from "./filters";

export type ErrorGroup = Schemas["ErrorGroupOut"];
export type ErrorGroupDetail = Schemas["ErrorGroupDetail"];
export type Facets = Schemas["ErrorFacets"];
export type SavedView = Schemas["ViewOut"];
export type Trace = Schemas["TraceOut"];
export type Resolution = Schemas["HandleIn"]["resolution"];
export type Shop = Schemas["ShopOut"];
export type RetryPreview = Schemas["RetryPreview"];

export const PAGE_SIZE = 50;

const ERRORS = ["errors"] as const;
const VIEWS = ["views"] as const;

export function errorListQuery(language: string, filter: ApiFilter, sort: Sort, cursor: string | null) {
  return queryOptions({
    queryKey: [...ERRORS, "list", language, filter, sort, cursor],
    queryFn: () =>
      call(api.GET("/v1/errors", { params: { query: { ...filter, sort, limit: PAGE_SIZE, cursor } } })),
  });
}

export function facetsQuery(language: string, filter: ApiFilter) {
  return queryOptions({
    queryKey: [...ERRORS, "facets", language, filter],
    queryFn: () => call(api.GET("/v1/errors/facets", { params: { query: filter } })),
  });
}

export function useErrorList(filter: ApiFilter, sort: Sort, cursor: string | null) {
  const { language } = useI18n();
  return useQuery({
    ...errorListQuery(language, filter, sort, cursor),
    // A new page or filter keeps the old rows on screen until the new ones arrive (no flashing empty table).
    placeholderData: keepPreviousData,
  });
}

export function useFacets(filter: ApiFilter) {
  const { language } = useI18n();
  return useQuery({ ...facetsQuery(language, filter), placeholderData: keepPreviousData });
}

export function useErrorTypes() {
  const { language } = useI18n();
  return useQuery({
    queryKey: ["error-types", language],
    queryFn: () => call(api.GET("/v1/error-types")),
    staleTime: Infinity,
  });
}

/** The error types whose SLA clock is paused (waiting on the platform or a person): they read as waiting, not late. */
export function usePausedTypes(): Set<string> {
  const types = useErrorTypes().data?.items;
  return useMemo(() => new Set((types ?? []).filter((type) => type.sla_paused).map((type) => type.code)), [types]);
}

/** The platform facts (markets, seller-centre pages, limits): fixed for the life of a release. */
export function usePlatforms() {
  return useQuery({ queryKey: ["platforms"], queryFn: () => call(api.GET("/v1/platforms")), staleTime: Infinity });
}

export function useShops() {
  return useQuery({ queryKey: ["shops"], queryFn: () => call(api.GET("/v1/shops")), staleTime: 5 * 60_000 });
}

/** The tenant's users, to assign a group to anyone (not only oneself). */
export function useUsers() {
  return useQuery({ queryKey: ["users"], queryFn: () => call(api.GET("/v1/users")), staleTime: 5 * 60_000 });
}

export function useErrorDetail(groupId: string | null) {
  const { language } = useI18n();
  return useQuery({
    queryKey: [...ERRORS, "detail", language, groupId],
    queryFn: () => call(api.GET("/v1/errors/{group_id}", { params: { path: { group_id: groupId! } } })),
    enabled: groupId !== null,
  });
}

/** A trace by id, or null when none was recorded under it (ERP-reported events may cite ids we never saw). */
export function useTrace(traceId: string | null | undefined) {
  return useQuery({
    queryKey: ["traces", traceId],
    queryFn: async () => {
      try {
        return await call(api.GET("/v1/traces/{trace_id}", { params: { path: { trace_id: traceId! } } }));
      } catch (error) {
        if (error instanceof ApiError && error.status === 404) return null;
        throw error;
      }
    },
    enabled: !!traceId,
    staleTime: Infinity, // a trace never changes once written
  });
}

export function useTrend(filter: ApiFilter) {
  // The chart keeps to the tab and the dimension filters; its window is always the last 7 days.
  const dimensions = {
    severity: filter.severity,
    error_type: filter.error_type,
    platform: filter.platform,
    shop_id: filter.shop_id,
    strategy_id: filter.strategy_id,
  };
  return useQuery({
    queryKey: [...ERRORS, "trend", dimensions],
    queryFn: () => call(api.GET("/v1/stats/trend", { params: { query: { ...dimensions, days: 7 } } })),
    placeholderData: keepPreviousData,
  });
}

function useBoardMutation<TBody, TResult>(mutationFn: (body: TBody) => Promise<TResult>) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ERRORS }),
  });
}

/** Which rows a bulk action covers: listed ids, or every row matching the filter. */
export type Selection = { ids: string[] } | { filter: ApiFilter };

export function useHandle() {
  return useBoardMutation((body: { id: string; resolution: Resolution; note: string }) =>
    call(
      api.POST("/v1/errors/{group_id}/handle", {
        params: { path: { group_id: body.id } },
        body: { resolution: body.resolution, note: body.note },
      }),
    ),
  );
}

export function useHandleMany() {
  return useBoardMutation((body: Selection & { resolution: Resolution; note: string }) =>
    call(api.POST("/v1/errors/handle", { body })),
  );
}

export function useReopen() {
  return useBoardMutation((id: string) =>
    call(api.POST("/v1/errors/{group_id}/reopen", { params: { path: { group_id: id } } })),
  );
}

export function useAssign() {
  return useBoardMutation((body: { id: string; assigneeId: string | null }) =>
    call(
      api.PUT("/v1/errors/{group_id}/assignee", {
        params: { path: { group_id: body.id } },
        body: { assignee_id: body.assigneeId },
      }),
    ),
  );
}

export function useAssignMany() {
  return useBoardMutation((body: Selection & { assignee_id: string | null }) =>
    call(api.PUT("/v1/errors/assignee", { body })),
  );
}

export type SnoozeFor = { until: string } | { events: number };

export function useSnooze() {
  return useBoardMutation((body: { id: string; snooze: SnoozeFor }) =>
    call(api.POST("/v1/errors/{group_id}/snooze", { params: { path: { group_id: body.id } }, body: body.snooze })),
  );
}

export function useSnoozeMany() {
  return useBoardMutation((body: Selection & SnoozeFor) => call(api.POST("/v1/errors/snooze", { body })));
}

export function useUnsnooze() {
  return useBoardMutation((id: string) =>
    call(api.DELETE("/v1/errors/{group_id}/snooze", { params: { path: { group_id: id } } })),
  );
}

export function usePinNote() {
  return useBoardMutation((body: { id: string; note: string | null }) =>
    call(
      api.PUT("/v1/errors/{group_id}/pinned-note", {
        params: { path: { group_id: body.id } },
        body: { note: body.note },
      }),
    ),
  );
}

/** A task's config snapshot against its strategy's config now (the tasks screen's query key, so both share it). */
export function useSnapshotDiff(taskId: string | null) {
  return useQuery({
    queryKey: ["tasks", "diff", taskId, "current"],
    queryFn: () =>
      call(api.GET("/v1/tasks/{task_id}/diff", { params: { path: { task_id: taskId! }, query: { against: "current" } } })),
    enabled: taskId !== null,
  });
}

/** Re-push a group's failed action: a dry run answers what would be sent; otherwise it starts a retry task.
 * Silent: the drawer shows a refusal (409 one is running, 422 the value would be refused) in place. */
export function useRetry() {
  const queryClient = useQueryClient();
  return useMutation({
    meta: { silent: true },
    mutationFn: ({ id, dryRun }: { id: string; dryRun: boolean }) =>
      call(api.POST("/v1/errors/{group_id}/retry", { params: { path: { group_id: id } }, body: { dry_run: dryRun } })),
    onSuccess: (preview) =>
      preview.dry_run ? undefined : Promise.all([ERRORS, ["tasks"]].map((queryKey) => queryClient.invalidateQueries({ queryKey }))),
  });
}

export function useViews() {
  return useQuery({ queryKey: VIEWS, queryFn: () => call(api.GET("/v1/views")) });
}

export function useCreateView() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: Schemas["ViewCreate"]) => call(api.POST("/v1/views", { body })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: VIEWS }),
  });
}

export function useUpdateView() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: { id: string; change: Schemas["ViewUpdate"] }) =>
      call(api.PATCH("/v1/views/{view_id}", { params: { path: { view_id: body.id } }, body: body.change })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: VIEWS }),
  });
}

export function useDeleteView() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => call(api.DELETE("/v1/views/{view_id}", { params: { path: { view_id: id } } })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: VIEWS }),
  });
}
