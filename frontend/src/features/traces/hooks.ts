import { keepPreviousData, useQuery } from "@tanstack/react-query";

import { api, call, type Schemas } from "../../api/client";
import type { operations } from "../../api/schema";

export type TraceSummary = Schemas["TraceSummary"];
export type Trace = Schemas["TraceOut"];
export type TraceAttempt = Schemas["TraceAttemptOut"];
export type TraceEvent = Schemas["TraceEventOut"];
export type TraceQuery = NonNullable<operations["traces-list"]["parameters"]["query"]>;

export function useTraces(query: TraceQuery) {
  return useQuery({
    queryKey: ["traces", "list", query],
    queryFn: () => call(api.GET("/v1/traces", { params: { query } })),
    placeholderData: keepPreviousData,
  });
}

export function useTrace(traceId: string | null) {
  return useQuery({
    queryKey: ["traces", "detail", traceId],
    queryFn: () => call(api.GET("/v1/traces/{trace_id}", { params: { path: { trace_id: traceId! } } })),
    enabled: traceId !== null,
  });
}

export function useShops() {
  return useQuery({ queryKey: ["shops"], queryFn: () => call(api.GET("/v1/shops")), staleTime: 5 * 60_000 });
}
