import type { Binding, Sku } from "./hooks";

interface ShopRef {
  id: string;
  name: string;
}

/** The shops in view where the SKU has no binding: a push of it there fails as SKU_MAPPING_FAILED. */
export function missingShops<S extends ShopRef>(sku: Sku, shopsInView: S[]): S[] {
  const bound = new Set(sku.bindings.map((binding) => binding.shop_id));
  return shopsInView.filter((shop) => !bound.has(shop.id));
}

// What each platform calls the ids a binding holds (Amazon has one listing per seller SKU: no variant id).
const PLATFORM_IDS: Record<Binding["platform"], { item: string; variant: string | null }> = {
  amazon: { item: "ASIN", variant: null },
  tiktok: { item: "product_id", variant: "sku_id" },
  shopee: { item: "item_id", variant: "model_id" },
  lazada: { item: "item_id", variant: "sku_id" },
};

/** A binding's platform ids under the platform's own names, e.g. ["item_id 8841", "model_id 207"]. */
export function platformIds(binding: Binding): string[] {
  const names = PLATFORM_IDS[binding.platform];
  const ids = [binding.platform_item_id && `${names.item} ${binding.platform_item_id}`];
  if (binding.platform_variant_id) ids.push(`${names.variant ?? "variant"} ${binding.platform_variant_id}`);
  return ids.filter((id): id is string => !!id);
}
