import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";

import { api, call, type Schemas } from "../../api/client";

export type Strategy = Schemas["StrategyOut"];
export type StrategyBody = Schemas["PriceAdjustIn"] | Schemas["InventorySyncIn"] | Schemas["ListingPublishIn"];
export type Kind = Strategy["kind"];
export type Shop = Schemas["ShopOut"];

export const STRATEGIES = ["strategies"] as const;

/** `enabled`: false for viewers, whom the API does not show strategies. */
export function useStrategies() {
  return useQuery({ queryKey: [...STRATEGIES, "list"], queryFn: () => call(api.GET("/v1/strategies")) });
}

export function useStrategy(strategyId: string | null) {
  return useQuery({
    queryKey: [...STRATEGIES, "detail", strategyId],
    queryFn: () => call(api.GET("/v1/strategies/{strategy_id}", { params: { path: { strategy_id: strategyId! } } })),
    enabled: strategyId !== null,
  });
}

/** The tenant's active shops: the ones a strategy may push to (the same query as the board's). */
export function useShops() {
  return useQuery({ queryKey: ["shops"], queryFn: () => call(api.GET("/v1/shops")), staleTime: 5 * 60_000 });
}

// Errors are shown on the form's fields, not as a toast (meta.silent).
export function useSaveStrategy() {
  const queryClient = useQueryClient();
  return useMutation({
    meta: { silent: true },
    mutationFn: ({ id, body }: { id: string | null; body: StrategyBody }) =>
      id === null
        ? call(api.POST("/v1/strategies", { body }))
        : call(api.PUT("/v1/strategies/{strategy_id}", { params: { path: { strategy_id: id } }, body })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: STRATEGIES }),
  });
}

export function useRunStrategy() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (strategyId: string) =>
      call(api.POST("/v1/strategies/{strategy_id}/run", { params: { path: { strategy_id: strategyId } } })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ["tasks"] }),
  });
}
