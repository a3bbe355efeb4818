// What a shop's connection health looks like on the Connections screen and in the navigation: its dot, its words,
// what it means and what to do, and how urgent it is. The states are the API's (api/shops/health.py); a shop whose
// `connection` is null is "none" (not connected).
import type { Schemas } from "../../api/client";
import type { MessageKey } from "../../app/language";

export type Shop = Schemas["ShopOut"];
export type ConnectionHealth = Schemas["ConnectionSummary"]["health"];
export type DisplayHealth = ConnectionHealth | "none";

export type DotColor = "green" | "orange" | "red" | "grey";

interface HealthLook {
  color: DotColor;
  label: MessageKey;
  /** What the state means and what to do about it (the dot's tooltip). */
  hint: MessageKey;
  /** Problems first: the lower, the more urgent. */
  rank: number;
}

// A Record over the generated union: a state added to the API fails the typecheck until it has a look.
export const HEALTH: Record<DisplayHealth, HealthLook> = {
  expired: { color: "red", label: "connections.health.expired", hint: "connections.hint.expired", rank: 0 },
  scope_missing: { color: "red", label: "connections.health.scope_missing", hint: "connections.hint.scope_missing", rank: 1 },
  failing: { color: "red", label: "connections.health.failing", hint: "connections.hint.failing", rank: 2 },
  expiring: { color: "orange", label: "connections.health.expiring", hint: "connections.hint.expiring", rank: 3 },
  none: { color: "grey", label: "connections.health.none", hint: "connections.hint.none", rank: 4 },
  unknown: { color: "grey", label: "connections.health.unknown", hint: "connections.hint.unknown", rank: 5 },
  ok: { color: "green", label: "connections.health.ok", hint: "connections.hint.ok", rank: 6 },
};

export const HEALTH_STATES = Object.keys(HEALTH) as DisplayHealth[];

// antd's status colours, so that the dots match the rest of the app's tags and badges.
export const DOT_HEX: Record<DotColor, string> = {
  green: "#52c41a",
  orange: "#fa8c16",
  red: "#ff4d4f",
  grey: "#bfbfbf",
};

export function healthOf(shop: Pick<Shop, "connection">): DisplayHealth {
  return shop.connection?.health ?? "none";
}

/** Red: syncs are failing now (the navigation's dot). */
export function isBroken(health: DisplayHealth): boolean {
  return HEALTH[health].color === "red";
}

/** Red or orange: a person has something to do (the summary's count). */
export function needsAttention(health: DisplayHealth): boolean {
  return isBroken(health) || health === "expiring";
}

export type AuthorizeAction = "authorize" | "reauthorize" | null;

/** Which authorisation button an admin gets: none where a new authorisation would not help. */
export function authorizeAction(health: DisplayHealth): AuthorizeAction {
  if (health === "none") return "authorize";
  if (health === "expired" || health === "expiring" || health === "scope_missing") return "reauthorize";
  return null;
}

/** Problems first (by urgency), then the authorisation that ends soonest, then by name. */
export function sortByUrgency<T extends Pick<Shop, "connection" | "name">>(shops: readonly T[]): T[] {
  const ends = (shop: T) => {
    const at = shop.connection?.authorization_expires_at;
    return at ? Date.parse(at) : Number.POSITIVE_INFINITY;
  };
  return [...shops].sort(
    (a, b) =>
      HEALTH[healthOf(a)].rank - HEALTH[healthOf(b)].rank ||
      ends(a) - ends(b) ||
      a.name.localeCompare(b.name),
  );
}
