import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";

import { api, call, type Schemas } from "../../api/client";
import type { operations } from "../../api/schema";

export type Sku = Schemas["SkuOut"];
export type Binding = Schemas["BindingOut"];
export type ShopTrace = Schemas["ShopTrace"];
export type PushedValue = Schemas["PushedValue"];
export type SkuQuery = NonNullable<operations["skus-list"]["parameters"]["query"]>;

/** One page of the catalog: SKUs by code, each with its bindings (of `shop_id`, or of every active shop). */
export function useSkus(query: SkuQuery) {
  return useQuery({
    queryKey: ["catalog", "skus", query],
    queryFn: () => call(api.GET("/v1/skus", { params: { query } })),
    placeholderData: keepPreviousData,
  });
}

/** Starts (or finds running) the shop's catalog sync; the answer names its task. */
export function useCatalogSync() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (shopId: string) =>
      call(api.POST("/v1/shops/{shop_id}/catalog-sync", { params: { path: { shop_id: shopId } } })),
    onSuccess: () => client.invalidateQueries({ queryKey: ["tasks"] }),
  });
}

/** One SKU in every shop, for the price-tracing drawer. */
export function useSkuTrace(sku: string | null) {
  return useQuery({
    queryKey: ["catalog", "trace", sku],
    queryFn: () => call(api.GET("/v1/skus/trace", { params: { query: { sku: sku ?? "" } } })),
    enabled: sku !== null,
  });
}
