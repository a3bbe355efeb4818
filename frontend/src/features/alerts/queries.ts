// The alert rules screen's server state. Query keys: ["alert-rules", ...] and ["alert-deliveries", <filter>], so a
// save invalidates the list and a test-send the history. The reference lists (shops, strategies, users, error
// types) are the board's and the strategies' own queries, shared under their keys.
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";

import { api, call, type Schemas } from "../../api/client";

export { useErrorTypes, useShops, useUsers } from "../board/hooks";
export { useStrategies } from "../strategies/hooks";

export type AlertRule = Schemas["AlertRuleOut"];
export type AlertRuleBody = Schemas["AlertRuleIn"];
export type AlertRulePatch = Schemas["AlertRulePatch"];
export type Condition = AlertRule["condition"];
export type ConditionKind = Condition["kind"];
export type ChannelKind = Schemas["ChannelKind"];
export type ChannelBody = Schemas["ChannelIn"];
export type StoredChannel = Schemas["ChannelOut"];
export type Delivery = Schemas["DeliveryOut"];
export type DeliveryStatus = Delivery["status"];
export type DeliveryKind = Delivery["kind"];
export type TestResult = Schemas["TestSendResult"];
export type ErrorType = Schemas["ErrorType"];

export const DELIVERY_PAGE_SIZE = 50;

export interface DeliveryFilter {
  rule_id?: string;
  status?: DeliveryStatus;
}

export const alertKeys = {
  all: ["alert-rules"] as const,
  rules: () => [...alertKeys.all, "list"] as const,
  save: ["alert-rules", "save"] as const,
  deliveries: (filter: DeliveryFilter) => ["alert-deliveries", filter] as const,
  allDeliveries: ["alert-deliveries"] as const,
};

export function useAlertRules() {
  return useQuery({ queryKey: alertKeys.rules(), queryFn: () => call(api.GET("/v1/alert-rules")) });
}

/** Create (`id` null) or change a rule. Errors show on the form's fields, not as a toast (meta.silent). */
export function useSaveAlertRule() {
  const queryClient = useQueryClient();
  return useMutation({
    meta: { silent: true },
    mutationKey: alertKeys.save,
    mutationFn: (save: { id: null; body: AlertRuleBody } | { id: string; body: AlertRulePatch }) =>
      save.id === null
        ? call(api.POST("/v1/alert-rules", { body: save.body }))
        : call(api.PATCH("/v1/alert-rules/{rule_id}", { params: { path: { rule_id: save.id } }, body: save.body })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: alertKeys.all }),
  });
}

/** The table's active switch: a PATCH of `is_active` alone. */
export function useSetRuleActive() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ id, active }: { id: string; active: boolean }) =>
      call(api.PATCH("/v1/alert-rules/{rule_id}", { params: { path: { rule_id: id } }, body: { is_active: active } })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: alertKeys.all }),
  });
}

export function useDeleteAlertRule() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => call(api.DELETE("/v1/alert-rules/{rule_id}", { params: { path: { rule_id: id } } })),
    onSuccess: () =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: alertKeys.all }),
        queryClient.invalidateQueries({ queryKey: alertKeys.allDeliveries }),
      ]),
  });
}

/** Sends a test message to each channel now; the answer lists what each channel said (also kept as deliveries). */
export function useTestAlertRule() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => call(api.POST("/v1/alert-rules/{rule_id}/test", { params: { path: { rule_id: id } } })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: alertKeys.allDeliveries }),
  });
}

/** The delivery history, newest first, a page at a time ("load more" follows `next_cursor`). */
export function useDeliveries(filter: DeliveryFilter) {
  return useInfiniteQuery({
    queryKey: alertKeys.deliveries(filter),
    queryFn: ({ pageParam }) =>
      call(
        api.GET("/v1/alert-deliveries", {
          params: { query: { ...filter, limit: DELIVERY_PAGE_SIZE, cursor: pageParam ?? undefined } },
        }),
      ),
    initialPageParam: null as string | null,
    getNextPageParam: (page) => page.next_cursor ?? null,
  });
}
