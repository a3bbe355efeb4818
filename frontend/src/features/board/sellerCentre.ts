// Where a fix is made: the seller-centre page of the platform and market for an item. One table per platform,
// keyed by the shop's market code; a market we have no host for gets no link rather than a wrong one.
import type { Platform } from "./filters";

interface Target {
  /** Host of the seller centre for a market. */
  hosts: Record<string, string>;
  /** The page for one item when its platform id is known, else the product list filtered by SKU. */
  item: (host: string, itemId: string) => string;
  list: (host: string, sku: string) => string;
}

const enc = encodeURIComponent;

const TARGETS: Record<Platform, Target> = {
  // Amazon Seller Central, one domain per marketplace; "Manage All Inventory" searched by seller SKU or ASIN.
  amazon: {
    hosts: {
      US: "sellercentral.amazon.com",
      CA: "sellercentral.amazon.ca",
      MX: "sellercentral.amazon.com.mx",
      BR: "sellercentral.amazon.com.br",
      UK: "sellercentral.amazon.co.uk",
      GB: "sellercentral.amazon.co.uk",
      DE: "sellercentral.amazon.de",
      FR: "sellercentral.amazon.fr",
      IT: "sellercentral.amazon.it",
      ES: "sellercentral.amazon.es",
      NL: "sellercentral.amazon.nl",
      SE: "sellercentral.amazon.se",
      PL: "sellercentral.amazon.pl",
      JP: "sellercentral.amazon.co.jp",
      AU: "sellercentral.amazon.com.au",
      SG: "sellercentral.amazon.sg",
      IN: "sellercentral.amazon.in",
      AE: "sellercentral.amazon.ae",
      SA: "sellercentral.amazon.sa",
    },
    item: (host, itemId) => `https://${host}/inventory?searchField=all&keyword=${enc(itemId)}`,
    list: (host, sku) => `https://${host}/inventory?searchField=all&keyword=${enc(sku)}`,
  },
  // TikTok Shop Seller Center, one host per region.
  tiktok: {
    hosts: {
      US: "seller-us.tiktok.com",
      UK: "seller-uk.tiktok.com",
      GB: "seller-uk.tiktok.com",
      MY: "seller-my.tiktok.com",
      TH: "seller-th.tiktok.com",
      PH: "seller-ph.tiktok.com",
      SG: "seller-sg.tiktok.com",
      VN: "seller-vn.tiktok.com",
      ID: "seller-id.tiktok.com",
    },
    item: (host, itemId) => `https://${host}/product/edit/${enc(itemId)}`,
    list: (host, sku) => `https://${host}/product/manage?keyword=${enc(sku)}`,
  },
  // Shopee Seller Centre, one domain per country.
  shopee: {
    hosts: {
      MY: "seller.shopee.com.my",
      TH: "seller.shopee.co.th",
      PH: "seller.shopee.ph",
      SG: "seller.shopee.sg",
      ID: "seller.shopee.co.id",
      VN: "banhang.shopee.vn",
      TW: "seller.shopee.tw",
      BR: "seller.shopee.com.br",
    },
    item: (host, itemId) => `https://${host}/portal/product/${enc(itemId)}`,
    list: (host, sku) => `https://${host}/portal/product/list/all?keyword=${enc(sku)}`,
  },
  // Lazada Seller Center, one domain per country.
  lazada: {
    hosts: {
      MY: "sellercenter.lazada.com.my",
      TH: "sellercenter.lazada.co.th",
      PH: "sellercenter.lazada.com.ph",
      SG: "sellercenter.lazada.sg",
      ID: "sellercenter.lazada.co.id",
      VN: "sellercenter.lazada.vn",
    },
    item: (host, itemId) => `https://${host}/apps/product/publish?productId=${enc(itemId)}`,
    list: (host, sku) => `https://${host}/apps/product/list?keyword=${enc(sku)}`,
  },
};

/** The seller-centre page for an item in a market, or null when the platform or market is unknown. */
export function sellerCentreUrl(
  platform: string,
  market: string,
  item: { platformItemId?: string | null; sku?: string },
): string | null {
  const target = TARGETS[platform as Platform];
  const host = target?.hosts[market.toUpperCase()];
  if (!host) return null;
  if (item.platformItemId) return target.item(host, item.platformItemId);
  return target.list(host, item.sku ?? "");
}
