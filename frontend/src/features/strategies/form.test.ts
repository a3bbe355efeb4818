import { describe, expect, it } from "vitest";

import { fieldOf, mapInvalidParams, NEW_STRATEGY, plainDecimal, toBody, toFormValues } from "./form";
import type { Strategy } from "./hooks";

const stored: Strategy = {
  id: "5f0c6a4e-1111-4222-8333-444455556666",
  name: "US pricing",
  kind: "price_adjust",
  shop_ids: ["a1", "b2"],
  sku_filter: { skus: null, prefix: "SKU-" },
  config: { markup_pct: "12.5000", min_price: "9.9900", max_price: null, round_to: "0.99" },
  schedule: "0 */2 * * *",
  next_run_at: "2025-01-01T02:00:00Z",
  monitoring_enabled: true,
  approval_policy: { max_price_cut_pct: null, hold_stock_to_zero: false },
  is_active: false,
  version: 3,
  created_by: "admin@example.com",
  created_at: "2025-01-01T00:00:00Z",
  updated_at: "2025-01-01T00:00:00Z",
};

describe("strategy form values", () => {
  it("shows stored decimals without the API's trailing zeros", () => {
    expect(plainDecimal("12.5000")).toBe("12.5");
    expect(plainDecimal("30.0000")).toBe("30");
    expect(plainDecimal("100")).toBe("100");
    expect(plainDecimal(null)).toBeNull();
  });

  it("reads a stored strategy into the flat form and writes the same body back", () => {
    const values = toFormValues(stored);
    expect(values).toMatchObject({
      name: "US pricing",
      kind: "price_adjust",
      prefix: "SKU-",
      skus: [],
      markup_pct: "12.5",
      min_price: "9.99",
      max_price: null,
      round_to: "0.99",
      max_price_cut_pct: null,
      hold_stock_to_zero: false,
      is_active: false,
    });
    expect(toBody(values)).toEqual({
      name: "US pricing",
      kind: "price_adjust",
      shop_ids: ["a1", "b2"],
      sku_filter: { skus: null, prefix: "SKU-" },
      schedule: "0 */2 * * *",
      monitoring_enabled: true,
      is_active: false,
      approval_policy: { max_price_cut_pct: null, hold_stock_to_zero: false },
      config: { markup_pct: "12.5", min_price: "9.99", max_price: null, round_to: "0.99" },
    });
  });

  it("sends only the chosen kind's config, blanks as null and an empty schedule as on demand", () => {
    const body = toBody({
      ...NEW_STRATEGY,
      name: "  Stock  ",
      kind: "inventory_sync",
      shop_ids: ["a1"],
      skus: [" SKU-1 ", "SKU-2"],
      prefix: "   ",
      schedule: " ",
      markup_pct: "5",
      share_pct: "50",
      safety_stock: 3,
      max_price_cut_pct: "",
    });
    expect(body).toMatchObject({
      name: "Stock",
      kind: "inventory_sync",
      sku_filter: { skus: ["SKU-1", "SKU-2"], prefix: null },
      schedule: null,
      approval_policy: { max_price_cut_pct: null, hold_stock_to_zero: true },
      config: { share_pct: "50", safety_stock: 3 },
    });
  });

  it("gives a listing strategy both its price and its stock settings", () => {
    const body = toBody({ ...NEW_STRATEGY, kind: "listing_publish", markup_pct: "-20", round_to: "1", share_pct: null, safety_stock: null });
    expect(body.config).toEqual({ markup_pct: "-20", round_to: "1", share_pct: "100", safety_stock: 0 });
  });
});

describe("API errors on the form's fields", () => {
  it("maps the body's dotted names (after the kind's tag) to the inputs", () => {
    expect(fieldOf("price_adjust.config.markup_pct", "price_adjust")).toBe("markup_pct");
    expect(fieldOf("schedule", "price_adjust")).toBe("schedule");
    expect(fieldOf("shop_ids.2", "inventory_sync")).toBe("shop_ids");
    expect(fieldOf("inventory_sync.sku_filter.skus.0", "inventory_sync")).toBe("skus");
    expect(fieldOf("price_adjust.approval_policy.max_price_cut_pct", "price_adjust")).toBe("max_price_cut_pct");
    expect(fieldOf("listing_publish.name", "listing_publish")).toBe("name");
  });

  it("keeps errors no input shows apart, such as a rule over the whole config or another kind's field", () => {
    expect(fieldOf("price_adjust.config", "price_adjust")).toBeNull();
    expect(fieldOf("config.min_price", "inventory_sync")).toBeNull();
    expect(fieldOf("constructor", "price_adjust")).toBeNull();
    const mapped = mapInvalidParams(
      [
        { name: "shop_ids.0", reason: "no such shop", type: "value_error" },
        { name: "shop_ids.1", reason: "listed twice", type: "value_error" },
        { name: "price_adjust.config", reason: "min_price must not be above max_price", type: "value_error" },
      ],
      "price_adjust",
    );
    expect(mapped.fields).toEqual([{ name: "shop_ids", errors: ["no such shop", "listed twice"] }]);
    expect(mapped.others.map((param) => param.name)).toEqual(["price_adjust.config"]);
  });
});
