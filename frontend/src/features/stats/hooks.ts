import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useMemo } from "react";

import { api, call, type Schemas } from "../../api/client";
import { useI18n } from "../../app/useI18n";

export type Sla = Schemas["SlaOut"];
export type SlaByUser = Schemas["SlaByUser"];
export type SlaByErrorType = Schemas["SlaByErrorType"];
export type RootCauses = Schemas["RootCausesOut"];

export function useSla(since: string, until: string) {
  return useQuery({
    queryKey: ["stats", "sla", since, until],
    queryFn: () => call(api.GET("/v1/stats/sla", { params: { query: { since, until } } })),
    placeholderData: keepPreviousData,
  });
}

export function useRootCauses(days: number) {
  return useQuery({
    queryKey: ["stats", "root-causes", days],
    queryFn: () => call(api.GET("/v1/stats/root-causes", { params: { query: { days } } })),
    placeholderData: keepPreviousData,
  });
}

/** Error type code -> title in the current language (the taxonomy is served by the API). */
export function useErrorTypeTitles(): Record<string, string> {
  const { language } = useI18n();
  const types = useQuery({
    queryKey: ["error-types", language],
    queryFn: () => call(api.GET("/v1/error-types")),
    staleTime: 60 * 60_000,
  });
  return useMemo(
    () => Object.fromEntries((types.data?.items ?? []).map((type) => [type.code, type.title])),
    [types.data],
  );
}
