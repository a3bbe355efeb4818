import { formatValue } from "./values";

describe("a push action's value as a reader wants it", () => {
  it("reads a price with its currency and sale price, and stock as a quantity", () => {
    expect(formatValue("price", { price: "19.99", currency: "USD" }, "库存")).toBe("19.99 USD");
    expect(formatValue("price", { price: "19.99", currency: "USD", sale_price: "16.99" }, "stock")).toBe("19.99 USD (16.99)");
    expect(formatValue("stock", { quantity: 12 }, "库存")).toBe("库存 12");
  });

  it("reads a listing as its title, price and stock", () => {
    expect(formatValue("listing", { title: "Carry-on 20\"", price: "89.99", currency: "CAD", quantity: 50 }, "stock")).toBe(
      'Carry-on 20" 89.99 CAD · stock 50',
    );
  });

  it("shows no value as a dash and an unknown shape as JSON", () => {
    expect(formatValue("price", null, "stock")).toBe("—");
    expect(formatValue("auth", { scope: "inventory" }, "stock")).toBe('{"scope":"inventory"}');
  });
});
