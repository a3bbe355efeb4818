import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";

import { api, call, type Schemas } from "../../api/client";

export type Approval = Schemas["ApprovalOut"];
export type ApprovalStatus = Approval["status"];

const APPROVALS = ["approvals"] as const;
// The API answers the newest first and takes no cursor: the most one page may hold.
const LIMIT = 200;

export function useApprovals(status: ApprovalStatus) {
  return useQuery({
    queryKey: [...APPROVALS, status],
    queryFn: () => call(api.GET("/v1/approvals", { params: { query: { status, limit: LIMIT } } })),
    // New held changes arrive while a strategy runs: the pending tab looks again now and then.
    refetchInterval: status === "pending" ? 15_000 : false,
  });
}

export type Decision = "approve" | "reject";

/** Approve (the change is sent by the workers) or reject (nothing is sent), with a note. */
export function useDecide() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ id, decision, note }: { id: string; decision: Decision; note: string }) =>
      call(
        api.POST(decision === "approve" ? "/v1/approvals/{approval_id}/approve" : "/v1/approvals/{approval_id}/reject", {
          params: { path: { approval_id: id } },
          body: { note },
        }),
      ),
    // The decision also handles the SKU's APPROVAL_PENDING warning and moves the task on.
    onSuccess: () =>
      Promise.all(["approvals", "errors", "tasks"].map((key) => queryClient.invalidateQueries({ queryKey: [key] }))),
  });
}
