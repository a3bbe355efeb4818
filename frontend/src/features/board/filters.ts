// The board's filter and its two outside forms: the URL search params (shareable, back/forward works) and the
// API's query/body form (`ErrorFilter` of openapi.yaml). Pure functions, so the mapping is tested on its own.
import dayjs from "dayjs";
import timezone from "dayjs/plugin/timezone";
import utc from "dayjs/plugin/utc";

import type { Schemas } from "../../api/client";

dayjs.extend(utc);
dayjs.extend(timezone);

export type ApiFilter = Schemas["ErrorFilter"];
export type Severity = "error" | "warning";
export type Platform = "amazon" | "tiktok" | "shopee" | "lazada";
export type Status = "open" | "snoozed" | "handled" | "archived" | "all";
export type Sort = "last_seen" | "count" | "first_seen";

export const SEVERITIES: Severity[] = ["error", "warning"];
export const PLATFORMS: Platform[] = ["amazon", "tiktok", "shopee", "lazada"];
export const STATUSES: Status[] = ["open", "snoozed", "handled", "archived", "all"];
export const SORTS: Sort[] = ["last_seen", "count", "first_seen"];

export interface BoardFilter {
  severity: Severity;
  errorType: string[];
  platform: Platform[];
  shopId: string[];
  strategyId: string[];
  /** user ids or "me" */
  assignee: string[];
  status: Status;
  /** first day of the window (YYYY-MM-DD in the tenant's time zone); null = the API's default, the last 7 days */
  since: string | null;
  /** last day of the window, inclusive (YYYY-MM-DD in the tenant's time zone); null = now */
  until: string | null;
  q: string;
  sort: Sort;
}

export const DEFAULT_FILTER: BoardFilter = {
  severity: "error",
  errorType: [],
  platform: [],
  shopId: [],
  strategyId: [],
  assignee: [],
  status: "open",
  since: null,
  until: null,
  q: "",
  sort: "last_seen",
};

/** URL params that are not filters: the open row (drawer) and the applied saved view. */
export const GROUP_PARAM = "group";
export const VIEW_PARAM = "view";

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ERROR_TYPE = /^[A-Z][A-Z_]{1,39}$/;

function oneOf<T extends string>(allowed: readonly T[], value: string | null, fallback: T): T {
  return value !== null && (allowed as readonly string[]).includes(value) ? (value as T) : fallback;
}

function day(value: string | null): string | null {
  // dayjs rolls 2026-13-45 over into a later date; only a day that formats back to itself is real.
  return value !== null && DAY.test(value) && dayjs(value).format("YYYY-MM-DD") === value ? value : null;
}

function unique<T>(values: T[]): T[] {
  return [...new Set(values)];
}

/** Reads the filter from the URL; anything malformed (a hand-edited link) falls back to the default. */
export function filterFromParams(params: URLSearchParams): BoardFilter {
  let since = day(params.get("since"));
  let until = day(params.get("until"));
  if (since && until && since > until) [since, until] = [until, since];
  return {
    severity: oneOf(SEVERITIES, params.get("severity"), DEFAULT_FILTER.severity),
    errorType: unique(params.getAll("error_type").filter((v) => ERROR_TYPE.test(v))),
    platform: unique(params.getAll("platform").filter((v): v is Platform => (PLATFORMS as string[]).includes(v))),
    shopId: unique(params.getAll("shop_id").filter((v) => UUID.test(v))),
    strategyId: unique(params.getAll("strategy_id").filter((v) => UUID.test(v))),
    assignee: unique(params.getAll("assignee").filter((v) => v === "me" || UUID.test(v))),
    status: oneOf(STATUSES, params.get("status"), DEFAULT_FILTER.status),
    since,
    until,
    q: (params.get("q") ?? "").trim().slice(0, 200),
    sort: oneOf(SORTS, params.get("sort"), DEFAULT_FILTER.sort),
  };
}

/** Writes the filter as URL params; defaults are left out so a plain board is a plain `/`. */
export function filterToParams(filter: BoardFilter, keep?: URLSearchParams): URLSearchParams {
  const params = new URLSearchParams();
  if (filter.severity !== DEFAULT_FILTER.severity) params.set("severity", filter.severity);
  filter.errorType.forEach((v) => params.append("error_type", v));
  filter.platform.forEach((v) => params.append("platform", v));
  filter.shopId.forEach((v) => params.append("shop_id", v));
  filter.strategyId.forEach((v) => params.append("strategy_id", v));
  filter.assignee.forEach((v) => params.append("assignee", v));
  if (filter.status !== DEFAULT_FILTER.status) params.set("status", filter.status);
  if (filter.since) params.set("since", filter.since);
  if (filter.until) params.set("until", filter.until);
  if (filter.q) params.set("q", filter.q);
  if (filter.sort !== DEFAULT_FILTER.sort) params.set("sort", filter.sort);
  for (const name of [VIEW_PARAM, GROUP_PARAM]) {
    const value = keep?.get(name);
    if (value) params.set(name, value);
  }
  return params;
}

/** The API's form: whole days in the browser's time zone become RFC 3339 instants with their offset. */
/** The board filter in the API's form; its days are whole days of `zone` (the tenant's time zone), as the board
 * shows its times, the exports and the charts count them. */
export function toApiFilter(filter: BoardFilter, zone: string): ApiFilter {
  const api: ApiFilter = {
    severity: [filter.severity],
    error_type: filter.errorType as ApiFilter["error_type"],
    platform: filter.platform,
    shop_id: filter.shopId,
    strategy_id: filter.strategyId,
    assignee: filter.assignee,
    status: filter.status,
  };
  if (filter.since) api.since = dayjs.tz(filter.since, zone).format();
  if (filter.until) api.until = dayjs.tz(filter.until, zone).add(1, "day").format();
  if (filter.q) api.q = filter.q;
  return api;
}

/** Query-string pairs of the API filter (repeatable names repeated), for the list, facets and the CSV link. */
export function apiQueryPairs(api: ApiFilter): [string, string][] {
  const pairs: [string, string][] = [];
  for (const [name, value] of Object.entries(api)) {
    if (value === undefined || value === null || value === "") continue;
    if (Array.isArray(value)) value.forEach((v) => pairs.push([name, String(v)]));
    else pairs.push([name, String(value)]);
  }
  return pairs;
}

/** The CSV export of exactly this filter; the session cookie authenticates the download. */
export function exportUrl(filter: BoardFilter, zone: string): string {
  return `/v1/exports/errors.csv?${new URLSearchParams(apiQueryPairs(toApiFilter(filter, zone))).toString()}`;
}

/** A saved view's stored filters (API form, only what was chosen) back into a board filter. */
export function filterFromView(saved: Record<string, unknown>, zone: string): BoardFilter {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(saved)) {
    if (name === "since" || name === "until") {
      if (typeof value !== "string") continue;
      // `until` is stored exclusive (the next midnight); the board shows the last included day.
      const at = name === "until" ? dayjs(value).subtract(1, "millisecond") : dayjs(value);
      if (at.isValid()) params.set(name, at.tz(zone).format("YYYY-MM-DD"));
    } else if (name === "severity") {
      // The board shows one severity tab; a view over both opens on the first.
      if (Array.isArray(value) && value.length > 0) params.set(name, String(value[0]));
    } else if (Array.isArray(value)) {
      value.forEach((v) => params.append(name, String(v)));
    } else if (typeof value === "string") {
      params.set(name, value);
    }
  }
  return filterFromParams(params);
}

/** What a saved view stores: the board filter's non-default fields, in the API's form. */
export function filterToView(filter: BoardFilter, zone: string): ApiFilter {
  const api = toApiFilter(filter, zone);
  const saved: ApiFilter = { severity: api.severity, status: api.status };
  if (filter.errorType.length) saved.error_type = api.error_type;
  if (filter.platform.length) saved.platform = api.platform;
  if (filter.shopId.length) saved.shop_id = api.shop_id;
  if (filter.strategyId.length) saved.strategy_id = api.strategy_id;
  if (filter.assignee.length) saved.assignee = api.assignee;
  if (api.since) saved.since = api.since;
  if (api.until) saved.until = api.until;
  if (api.q) saved.q = api.q;
  return saved;
}

/** True when the URL carries any filter (then a default saved view is not applied over it). */
export function hasFilterParams(params: URLSearchParams): boolean {
  return [...params.keys()].some((name) => name !== GROUP_PARAM);
}
