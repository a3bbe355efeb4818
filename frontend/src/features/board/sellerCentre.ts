// Where a fix is made: the seller-centre page of the platform and market for an item, from the platform facts the
// API serves (GET /v1/platforms). A market with no seller-centre host gets no link rather than a wrong one.
import type { Schemas } from "../../api/client";

export type PlatformFacts = Schemas["PlatformOut"];

/** The seller-centre page for an item in a market, or null when the platform or its market has no host. */
export function sellerCentreUrl(
  facts: readonly PlatformFacts[] | undefined,
  platform: string,
  market: string,
  item: { platformItemId?: string | null; sku?: string },
): string | null {
  const target = facts?.find((p) => p.code === platform);
  const host = target?.markets.find((m) => m.code === market.toUpperCase())?.seller_centre_host;
  if (!target || !host) return null;
  const fill = (template: string, values: Record<string, string>) =>
    template.replace(/\{(\w+)\}/g, (_, name: string) => (name === "host" ? host : encodeURIComponent(values[name] ?? "")));
  if (item.platformItemId) return fill(target.seller_centre.item_url, { item_id: item.platformItemId });
  return fill(target.seller_centre.search_url, { sku: item.sku ?? "" });
}
