import type { MessageKey } from "../../app/language";
import type { Kind } from "./hooks";

// A Record over the generated union: a kind added to the API fails the typecheck until it has a label.
export const KIND_LABELS: Record<Kind, MessageKey> = {
  price_adjust: "strategies.kind.price_adjust",
  inventory_sync: "strategies.kind.inventory_sync",
  listing_publish: "strategies.kind.listing_publish",
};

export const KIND_COLORS: Record<Kind, string> = {
  price_adjust: "geekblue",
  inventory_sync: "cyan",
  listing_publish: "purple",
};

export const KINDS = Object.keys(KIND_LABELS) as Kind[];
