import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useMemo } from "react";

import { api, call, type Schemas } from "../../api/client";
import type { operations } from "../../api/schema";
import { useI18n } from "../../app/useI18n";
import { useUsers } from "../board/hooks";
import { actorLabel } from "./actor";

export type Task = Schemas["TaskOut"];
export type TaskCounts = Schemas["TaskCounts"];
export type TaskStatus = Task["status"];
export type TaskSource = Task["source"];
export type Action = Schemas["ActionOut"];
export type ActionStatus = Action["status"];
export type TaskQuery = NonNullable<operations["tasks-list"]["parameters"]["query"]>;

const TASKS = ["tasks"] as const;
// A task still queued or running changes under the reader: poll it until it is done.
const LIVE: TaskStatus[] = ["queued", "running"];

export function useTasks(query: TaskQuery) {
  return useQuery({
    queryKey: [...TASKS, "list", query],
    queryFn: () => call(api.GET("/v1/tasks", { params: { query } })),
    placeholderData: keepPreviousData,
    refetchInterval: (q) => (q.state.data?.items.some((task) => LIVE.includes(task.status)) ? 5_000 : false),
  });
}

export function useTask(taskId: string | null) {
  return useQuery({
    queryKey: [...TASKS, "detail", taskId],
    queryFn: () => call(api.GET("/v1/tasks/{task_id}", { params: { path: { task_id: taskId! } } })),
    enabled: taskId !== null,
    refetchInterval: (q) => (q.state.data && LIVE.includes(q.state.data.status) ? 3_000 : false),
  });
}

export function useTaskActions(taskId: string, status: ActionStatus | undefined, cursor: string | undefined, live: boolean) {
  return useQuery({
    queryKey: [...TASKS, "actions", taskId, status, cursor],
    queryFn: () =>
      call(api.GET("/v1/tasks/{task_id}/actions", { params: { path: { task_id: taskId }, query: { status, cursor, limit: 50 } } })),
    placeholderData: keepPreviousData,
    refetchInterval: live ? 3_000 : false,
  });
}

/** The changes from this task's snapshot to another run's, or to the strategy's config now ("current"). */
export function useTaskDiff(taskId: string, against: string | null) {
  return useQuery({
    queryKey: [...TASKS, "diff", taskId, against],
    queryFn: () =>
      call(api.GET("/v1/tasks/{task_id}/diff", { params: { path: { task_id: taskId }, query: { against: against! } } })),
    enabled: against !== null,
  });
}

/** Who started a task (its `created_by`), by name: users come from the tenant's user list. */
export function useActorLabel(): (ref: string | null) => string {
  const { t } = useI18n();
  const users = useUsers();
  return useMemo(() => {
    const names = new Map((users.data?.items ?? []).map((user) => [user.id, user.display_name || user.email || user.id]));
    return (ref: string | null) => actorLabel(ref, names, t);
  }, [users.data, t]);
}
