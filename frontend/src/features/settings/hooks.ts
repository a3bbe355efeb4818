import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";

import { api, call, type Schemas } from "../../api/client";

export type TenantSettings = Schemas["SettingsOut"];
export type SettingsUpdate = Schemas["SettingsUpdate"];

export const SETTINGS_KEY = ["settings"] as const;

/** The tenant's settings; every signed-in user may read them (screens need the time zone). */
export function useSettings() {
  return useQuery({
    queryKey: SETTINGS_KEY,
    queryFn: () => call(api.GET("/v1/settings")),
    staleTime: 5 * 60_000,
  });
}

export function useUpdateSettings() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: SettingsUpdate) => call(api.PUT("/v1/settings", { body })),
    onSuccess: (saved) => queryClient.setQueryData(SETTINGS_KEY, saved),
  });
}
