import { heldBy, heldChange } from "./change";

describe("what a held push would change", () => {
  it("reads a price cut against the last applied price, with its percentage and currency", () => {
    const change = heldChange("price", { price: "59.00", currency: "PHP", sale_price: null }, { price: "100.00", currency: "PHP" });
    expect(change).toEqual({ before: "100.00", after: "59.00", unit: "PHP", percent: -41 });
    expect(heldBy("price", change, { max_price_cut_pct: 30 })).toEqual({ key: "approvals.rule.priceCutOver", vars: { cut: 41, limit: 30 } });
  });

  it("rounds the percentage to one decimal and names the cut without a limit when the policy is unknown", () => {
    const change = heldChange("price", { price: "22.99", currency: "USD" }, { price: "39.99" });
    expect(change.percent).toBe(-42.5);
    expect(heldBy("price", change, null)).toEqual({ key: "approvals.rule.priceCut", vars: { cut: 42.5 } });
  });

  it("reads stock set to zero, with or without a last applied quantity", () => {
    expect(heldChange("stock", { quantity: 0 }, { quantity: 12 })).toEqual({ before: "12", after: "0", unit: null, percent: -100 });
    const first = heldChange("stock", { quantity: 0 }, null);
    expect(first).toEqual({ before: null, after: "0", unit: null, percent: null });
    expect(heldBy("stock", first, { hold_stock_to_zero: true })).toEqual({ key: "approvals.rule.stockToZero", vars: {} });
  });

  it("shows a value of another shape as it is, and names no rule for it", () => {
    const change = heldChange("listing", { title: "Mug" }, null);
    expect(change).toEqual({ before: null, after: '{"title":"Mug"}', unit: null, percent: null });
    expect(heldBy("listing", change, null)).toBeNull();
  });
});
