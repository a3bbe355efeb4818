import { sellerCentreUrl } from "./sellerCentre";

describe("the seller-centre link", () => {
  it("opens Amazon Seller Central of the shop's marketplace, searched by the SKU", () => {
    expect(sellerCentreUrl("amazon", "UK", { sku: "AM 001" })).toBe(
      "https://sellercentral.amazon.co.uk/inventory?searchField=all&keyword=AM%20001",
    );
    expect(sellerCentreUrl("amazon", "jp", { sku: "X" })).toMatch(/^https:\/\/sellercentral\.amazon\.co\.jp\//);
  });

  it("opens the item itself when the platform id is known", () => {
    expect(sellerCentreUrl("shopee", "TH", { platformItemId: "123456", sku: "S" })).toBe(
      "https://seller.shopee.co.th/portal/product/123456",
    );
  });

  it("uses each country's Lazada and TikTok host", () => {
    expect(sellerCentreUrl("lazada", "PH", { sku: "L" })).toMatch(/^https:\/\/sellercenter\.lazada\.com\.ph\//);
    expect(sellerCentreUrl("tiktok", "US", { sku: "T" })).toMatch(/^https:\/\/seller-us\.tiktok\.com\//);
  });

  it("gives no link for a market it does not know rather than a wrong one", () => {
    expect(sellerCentreUrl("shopee", "US", { sku: "S" })).toBeNull();
    expect(sellerCentreUrl("ebay", "US", { sku: "S" })).toBeNull();
  });
});
