// Every read and write of the Connections screen, with its query keys. The shop list is the same `GET /v1/shops`
// the board, strategies and catalog read (key ["shops"]): one cache, so an authorisation refreshes them all.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useCallback } from "react";

import { api, call, type Schemas } from "../../api/client";
import { healthOf, isBroken } from "./health";

export type Connection = Schemas["ConnectionOut"];

export const connectionKeys = {
  shops: ["shops"] as const,
  all: ["connections"] as const,
  detail: (shopId: string) => ["connections", "detail", shopId] as const,
};

// The health cron stores a new state every 5 minutes and calls change it in between: the screen looks again now
// and then while it is open.
const REFRESH_MS = 60_000;

export function useShopConnections() {
  return useQuery({
    queryKey: connectionKeys.shops,
    queryFn: () => call(api.GET("/v1/shops")),
    refetchInterval: REFRESH_MS,
  });
}

/** The navigation's red dot: some shop's syncs are failing now (expired, permissions missing, calls failing). */
export function useBrokenConnections(): boolean {
  const { data } = useQuery({
    queryKey: connectionKeys.shops,
    queryFn: () => call(api.GET("/v1/shops")),
    staleTime: 5 * 60_000,
  });
  return (data?.items ?? []).some((shop) => isBroken(healthOf(shop)));
}

export function useConnection(shopId: string | null) {
  return useQuery({
    queryKey: connectionKeys.detail(shopId ?? ""),
    queryFn: () => call(api.GET("/v1/shops/{shop_id}/connection", { params: { path: { shop_id: shopId! } } })),
    enabled: shopId !== null,
  });
}

/** Fetches a single-use authorisation link and sends the browser there; the platform sends it back to
 * /connections?authorized=<shop_id>. */
export function useAuthorize() {
  return useMutation({
    mutationFn: (shopId: string) =>
      call(api.GET("/v1/shops/{shop_id}/authorize-url", { params: { path: { shop_id: shopId } } })),
    onSuccess: ({ url }) => window.location.assign(url),
  });
}

/** After an authorisation: the shop list (every screen's) and the connection details are read again. */
export function useRefreshConnections() {
  const queryClient = useQueryClient();
  return useCallback(
    () =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: connectionKeys.shops }),
        queryClient.invalidateQueries({ queryKey: connectionKeys.all }),
      ]),
    [queryClient],
  );
}
