import { missingShops, platformIds } from "./bindings";
import type { Binding, Sku } from "./hooks";

const binding = (shop_id: string, platform: Binding["platform"], item: string | null, variant: string | null = null): Binding => ({
  shop_id,
  shop_name: shop_id,
  platform,
  platform_sku: "SKU-1",
  platform_item_id: item,
  platform_variant_id: variant,
  bound_by: "user",
});
const sku = (bindings: Binding[]): Sku => ({ sku: "LUG-0241-GY", title: "登机箱", base_prices: {}, available_quantity: 10, has_listing_draft: false, bindings });
const shops = [
  { id: "us", name: "Amazon US" },
  { id: "th", name: "Shopee TH" },
  { id: "lz", name: "Lazada TH" },
];

describe("where a SKU is not bound", () => {
  it("names the shops in view without a binding, in the shops' order", () => {
    expect(missingShops(sku([binding("us", "amazon", "B0C1")]), shops).map((s) => s.name)).toEqual(["Shopee TH", "Lazada TH"]);
  });

  it("is none when every shop in view has one, and every shop when it has none", () => {
    expect(missingShops(sku([binding("th", "shopee", "1")]), [shops[1]!])).toEqual([]);
    expect(missingShops(sku([]), shops)).toEqual(shops);
  });
});

describe("a binding's platform ids", () => {
  it("uses each platform's own names", () => {
    expect(platformIds(binding("us", "amazon", "B0C1"))).toEqual(["ASIN B0C1"]);
    expect(platformIds(binding("th", "shopee", "8841", "207"))).toEqual(["item_id 8841", "model_id 207"]);
    expect(platformIds(binding("tt", "tiktok", "1729", "1730"))).toEqual(["product_id 1729", "sku_id 1730"]);
    expect(platformIds(binding("lz", "lazada", "55", "56"))).toEqual(["item_id 55", "sku_id 56"]);
  });

  it("is empty until the platform's ids are known (a listing not yet published)", () => {
    expect(platformIds(binding("us", "amazon", null))).toEqual([]);
  });
});
