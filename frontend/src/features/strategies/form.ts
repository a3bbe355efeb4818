// The strategy form's values and their mapping to and from the API. The form is flat (one field per input) so
// that an API error's dotted name maps to one input; the API body is nested and depends on the kind.
import type { InvalidParam } from "../../api/client";
import type { Kind, Strategy, StrategyBody } from "./hooks";

export type RoundTo = "0.01" | "0.99" | "1";

export interface StrategyFormValues {
  name: string;
  kind: Kind;
  shop_ids: string[];
  skus: string[];
  prefix: string;
  schedule: string;
  monitoring_enabled: boolean;
  is_active: boolean;
  /** Empty: no price cut waits for approval. Decimals travel as strings. */
  max_price_cut_pct: string | null;
  hold_stock_to_zero: boolean;
  markup_pct: string | null;
  min_price: string | null;
  max_price: string | null;
  round_to: RoundTo;
  share_pct: string | null;
  safety_stock: number | null;
}

export type FieldName = keyof StrategyFormValues;

/** Which config fields each kind's form shows (and sends). */
export const CONFIG_FIELDS: Record<Kind, FieldName[]> = {
  price_adjust: ["markup_pct", "min_price", "max_price", "round_to"],
  inventory_sync: ["share_pct", "safety_stock"],
  listing_publish: ["markup_pct", "round_to", "share_pct", "safety_stock"],
};

export const NEW_STRATEGY: StrategyFormValues = {
  name: "",
  kind: "price_adjust",
  shop_ids: [],
  skus: [],
  prefix: "",
  schedule: "",
  monitoring_enabled: true,
  is_active: true,
  max_price_cut_pct: "30",
  hold_stock_to_zero: true,
  markup_pct: null,
  min_price: null,
  max_price: null,
  round_to: "0.01",
  share_pct: "100",
  safety_stock: 0,
};

const blank = (value: string | null | undefined): string | null => {
  const text = value === null || value === undefined ? "" : String(value).trim();
  return text === "" ? null : text;
};

/** A stored decimal as the form shows it: "12.5000" → "12.5" (the API keeps four places). */
export function plainDecimal(value: string | number | null | undefined): string | null {
  if (value === null || value === undefined || value === "") return null;
  const text = String(value);
  return text.includes(".") ? text.replace(/0+$/, "").replace(/\.$/, "") : text;
}

export function toFormValues(strategy: Strategy): StrategyFormValues {
  const config = strategy.config as Record<string, string | number | null | undefined>;
  const decimal = (name: string) => plainDecimal(config[name]);
  return {
    ...NEW_STRATEGY,
    name: strategy.name,
    kind: strategy.kind,
    shop_ids: strategy.shop_ids,
    skus: strategy.sku_filter.skus ?? [],
    prefix: strategy.sku_filter.prefix ?? "",
    schedule: strategy.schedule ?? "",
    monitoring_enabled: strategy.monitoring_enabled,
    is_active: strategy.is_active,
    max_price_cut_pct: plainDecimal(strategy.approval_policy.max_price_cut_pct),
    hold_stock_to_zero: strategy.approval_policy.hold_stock_to_zero,
    markup_pct: decimal("markup_pct"),
    min_price: decimal("min_price"),
    max_price: decimal("max_price"),
    round_to: (config.round_to as RoundTo | undefined) ?? NEW_STRATEGY.round_to,
    share_pct: decimal("share_pct") ?? NEW_STRATEGY.share_pct,
    safety_stock: typeof config.safety_stock === "number" ? config.safety_stock : NEW_STRATEGY.safety_stock,
  };
}

/** The API body of a create or a full update: only the chosen kind's config, empties as null. */
export function toBody(values: StrategyFormValues): StrategyBody {
  const common = {
    name: values.name.trim(),
    shop_ids: values.shop_ids,
    sku_filter: {
      skus: values.skus.length ? values.skus.map((sku) => sku.trim()).filter(Boolean) : null,
      prefix: blank(values.prefix),
    },
    schedule: blank(values.schedule),
    monitoring_enabled: values.monitoring_enabled,
    is_active: values.is_active,
    approval_policy: {
      max_price_cut_pct: blank(values.max_price_cut_pct),
      hold_stock_to_zero: values.hold_stock_to_zero,
    },
  };
  const markup = blank(values.markup_pct) ?? "0";
  const share = blank(values.share_pct) ?? "100";
  const safety = values.safety_stock ?? 0;
  switch (values.kind) {
    case "price_adjust":
      return {
        ...common,
        kind: "price_adjust",
        config: {
          markup_pct: markup,
          min_price: blank(values.min_price),
          max_price: blank(values.max_price),
          round_to: values.round_to,
        },
      };
    case "inventory_sync":
      return { ...common, kind: "inventory_sync", config: { share_pct: share, safety_stock: safety } };
    case "listing_publish":
      return {
        ...common,
        kind: "listing_publish",
        config: { markup_pct: markup, round_to: values.round_to, share_pct: share, safety_stock: safety },
      };
  }
}

// The API names a field by its dotted path in the body (after the kind's tag for the body's union):
// `price_adjust.config.markup_pct`, `shop_ids.2`, `sku_filter.skus.0`, `approval_policy.max_price_cut_pct`.
const KINDS = new Set<string>(["price_adjust", "inventory_sync", "listing_publish"]);
const TOP_LEVEL: Record<string, FieldName> = {
  name: "name",
  kind: "kind",
  shop_ids: "shop_ids",
  schedule: "schedule",
  monitoring_enabled: "monitoring_enabled",
  is_active: "is_active",
};
const NESTED: Record<string, Record<string, FieldName>> = {
  sku_filter: { skus: "skus", prefix: "prefix" },
  approval_policy: { max_price_cut_pct: "max_price_cut_pct", hold_stock_to_zero: "hold_stock_to_zero" },
};

/** The form field an API error is about, or null when it names none the form shows. */
export function fieldOf(name: string, kind: Kind): FieldName | null {
  const parts = name.split(".");
  if (parts.length > 1 && KINDS.has(parts[0] ?? "")) parts.shift();
  const [head = "", sub] = parts;
  if (Object.hasOwn(TOP_LEVEL, head)) return TOP_LEVEL[head] ?? null;
  if (head === "config") {
    return sub && (CONFIG_FIELDS[kind] as string[]).includes(sub) ? (sub as FieldName) : null;
  }
  return (sub && Object.hasOwn(NESTED, head) && NESTED[head]?.[sub]) || null;
}

export interface MappedErrors {
  /** Reasons per form field, for Form.setFields. */
  fields: { name: FieldName; errors: string[] }[];
  /** Errors no input shows (e.g. a rule over the whole config), shown above the form. */
  others: InvalidParam[];
}

export function mapInvalidParams(params: InvalidParam[], kind: Kind): MappedErrors {
  const byField = new Map<FieldName, string[]>();
  const others: InvalidParam[] = [];
  for (const param of params) {
    const field = fieldOf(param.name, kind);
    if (field) byField.set(field, [...(byField.get(field) ?? []), param.reason]);
    else others.push(param);
  }
  return { fields: [...byField].map(([name, errors]) => ({ name, errors })), others };
}
