// A push action's value as a reader wants it: "19.99 USD", "stock 12", or a listing's title with its price.
type Value = Record<string, unknown> | null | undefined;

const text = (value: unknown): string => (typeof value === "string" ? value : JSON.stringify(value));

export function formatValue(operation: string, value: Value, stockLabel: string): string {
  if (!value) return "—";
  if (operation === "stock" && value.quantity !== undefined) return `${stockLabel} ${text(value.quantity)}`;
  if (value.price !== undefined) {
    const price = [text(value.price), value.currency ? text(value.currency) : null].filter(Boolean).join(" ");
    const parts = [operation === "listing" && value.title ? text(value.title) : null, price];
    if (value.sale_price != null) parts.push(`(${text(value.sale_price)})`);
    if (operation === "listing" && value.quantity !== undefined) parts.push(`· ${stockLabel} ${text(value.quantity)}`);
    return parts.filter(Boolean).join(" ");
  }
  if (value.quantity !== undefined) return `${stockLabel} ${text(value.quantity)}`;
  return JSON.stringify(value);
}
