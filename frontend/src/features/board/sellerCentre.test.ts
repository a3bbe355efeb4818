import { type PlatformFacts, sellerCentreUrl } from "./sellerCentre";

// Two platforms as GET /v1/platforms serves them (only the fields the link reads matter here).
const facts = [
  {
    code: "amazon",
    markets: [{ code: "UK", seller_centre_host: "sellercentral.amazon.co.uk" }],
    seller_centre: {
      item_url: "https://{host}/inventory?searchField=all&keyword={item_id}",
      search_url: "https://{host}/inventory?searchField=all&keyword={sku}",
    },
  },
  {
    code: "tiktok",
    markets: [
      { code: "US", seller_centre_host: "seller-us.tiktok.com" },
      { code: "SEA", seller_centre_host: null },
    ],
    seller_centre: { item_url: "https://{host}/product/edit/{item_id}", search_url: "https://{host}/product/manage?keyword={sku}" },
  },
] as unknown as PlatformFacts[];

describe("the seller-centre link", () => {
  it("opens the seller centre of the shop's market, searched by the SKU, encoded", () => {
    expect(sellerCentreUrl(facts, "amazon", "uk", { sku: "AM 001&x" })).toBe(
      "https://sellercentral.amazon.co.uk/inventory?searchField=all&keyword=AM%20001%26x",
    );
  });

  it("opens the item itself when the platform id is known", () => {
    expect(sellerCentreUrl(facts, "tiktok", "US", { platformItemId: "1729/1", sku: "S" })).toBe(
      "https://seller-us.tiktok.com/product/edit/1729%2F1",
    );
  });

  it("gives no link for a market without a host, an unknown platform, or before the facts arrive", () => {
    expect(sellerCentreUrl(facts, "tiktok", "SEA", { sku: "T" })).toBeNull();
    expect(sellerCentreUrl(facts, "amazon", "US", { sku: "S" })).toBeNull();
    expect(sellerCentreUrl(facts, "ebay", "US", { sku: "S" })).toBeNull();
    expect(sellerCentreUrl(undefined, "amazon", "UK", { sku: "S" })).toBeNull();
  });
});
