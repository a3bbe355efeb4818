import { keepPreviousData, useQuery } from "@tanstack/react-query";

import { api, call, type Schemas } from "../../api/client";
import type { operations } from "../../api/schema";

export type Sku = Schemas["SkuOut"];
export type Binding = Schemas["BindingOut"];
export type SkuQuery = NonNullable<operations["skus-list"]["parameters"]["query"]>;

/** One page of the catalog: SKUs by code, each with its bindings (of `shop_id`, or of every active shop). */
export function useSkus(query: SkuQuery) {
  return useQuery({
    queryKey: ["catalog", "skus", query],
    queryFn: () => call(api.GET("/v1/skus", { params: { query } })),
    placeholderData: keepPreviousData,
  });
}
