import { keepPreviousData, useQuery } from "@tanstack/react-query";

import { api, call, type Schemas } from "../../api/client";
import type { operations } from "../../api/schema";

export type AuditEntry = Schemas["AuditEntryOut"];
export type AuditQuery = NonNullable<operations["audit-log-list"]["parameters"]["query"]>;
export type ActorKind = AuditEntry["actor"]["kind"];

export function useAuditLog(query: AuditQuery) {
  return useQuery({
    queryKey: ["audit-log", query],
    queryFn: () => call(api.GET("/v1/audit-log", { params: { query } })),
    placeholderData: keepPreviousData,
  });
}
