// What a held push would change, as the approver reads it: the last applied value, the one that waits, and by how
// much; and which rule of the approval policy held it.
import type { MessageKey } from "../../app/language";

type Value = Record<string, unknown> | null | undefined;
export type Policy = { max_price_cut_pct?: number | string | null; hold_stock_to_zero?: boolean } | null | undefined;

export interface HeldChange {
  /** The last applied value, when there was one. */
  before: string | null;
  after: string;
  /** The currency of a price. */
  unit: string | null;
  /** The relative change from before, in percent (one decimal), when both are numbers. */
  percent: number | null;
}

const text = (value: unknown): string => (typeof value === "string" ? value : JSON.stringify(value));
const field = (operation: string) => (operation === "stock" ? "quantity" : "price");

export function heldChange(operation: string, value: Value, previous: Value): HeldChange {
  const key = field(operation);
  const after = value?.[key];
  if (after === undefined) return { before: null, after: text(value ?? null), unit: null, percent: null };
  const before = previous?.[key];
  const [from, to] = [Number(before), Number(after)];
  const percent = before != null && Number.isFinite(from) && Number.isFinite(to) && from !== 0
    ? Math.round(((to - from) / from) * 1000) / 10
    : null;
  return {
    before: before == null ? null : text(before),
    after: text(after),
    unit: operation === "price" && typeof value?.currency === "string" ? value.currency : null,
    percent,
  };
}

/** The rule that held the change, in the UI's words, with the strategy's limit when it is known. */
export function heldBy(operation: string, change: HeldChange, policy: Policy): { key: MessageKey; vars: Record<string, string | number> } | null {
  if (operation === "price" && change.percent !== null && change.percent < 0) {
    const limit = policy?.max_price_cut_pct;
    const cut = -change.percent;
    return limit != null ? { key: "approvals.rule.priceCutOver", vars: { cut, limit: Number(limit) } } : { key: "approvals.rule.priceCut", vars: { cut } };
  }
  if (operation === "stock" && change.after === "0") return { key: "approvals.rule.stockToZero", vars: {} };
  return null;
}
