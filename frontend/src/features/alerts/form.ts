// The rule form's values and their mapping to and from the API. The form is flat for the condition, the filters
// and the quiet hours (one field per input) and a list for the channels, so that a 422's field name maps to one
// input. Channel URLs and secrets are never returned: an edited rule's channels come back without them, and a PATCH
// carries `channels` (which replaces the whole list) only when the user changed them.
import type { FieldPath } from "../../api/invalidParams";
import type { AlertRule, AlertRuleBody, AlertRulePatch, ChannelBody, ChannelKind, Condition, ConditionKind, ErrorType } from "./queries";

type Filters = NonNullable<AlertRuleBody["filters"]>;
export type Severity = NonNullable<Filters["severity"]>[number];
export type Platform = NonNullable<Filters["platform"]>[number];

export interface MentionValues {
  user_id?: string;
  mobile?: string;
  im_user_id?: string;
}

export interface ChannelValues {
  kind: ChannelKind;
  url?: string;
  secret?: string;
  to?: string[];
  mentions?: MentionValues[];
  /** Of a stored channel (edit only): its target without the key, and whether a secret is set. Never sent. */
  target_hint?: string;
  has_secret?: boolean;
}

export interface RuleFormValues {
  name: string;
  kind: ConditionKind;
  threshold: number | null;
  window_minutes: number | null;
  error_types: ErrorType[];
  minutes: number | null;
  unassigned: boolean;
  severity: Severity[];
  error_type: ErrorType[];
  platform: Platform[];
  shop_id: string[];
  strategy_id: string[];
  channels: ChannelValues[];
  cooldown_minutes: number | null;
  /** "HH:MM" in the tenant's zone; both or neither. */
  quiet_start: string | null;
  quiet_end: string | null;
  digest_hour: number | null;
  is_active: boolean;
}

export const WINDOW_PRESETS = [60, 1440] as const;

export const NEW_CHANNEL: ChannelValues = { kind: "wecom", url: "", secret: "", to: [], mentions: [] };

export const NEW_RULE: RuleFormValues = {
  name: "",
  kind: "count",
  threshold: 50,
  window_minutes: 1440,
  error_types: [],
  minutes: 120,
  unassigned: false,
  severity: [],
  error_type: [],
  platform: [],
  shop_id: [],
  strategy_id: [],
  channels: [NEW_CHANNEL],
  cooldown_minutes: 60,
  quiet_start: null,
  quiet_end: null,
  digest_hour: null,
  is_active: true,
};

const text = (value: string | null | undefined): string => (value ?? "").trim();

export function toFormValues(rule: AlertRule): RuleFormValues {
  const condition = rule.condition;
  return {
    ...NEW_RULE,
    name: rule.name,
    kind: condition.kind,
    ...(condition.kind === "count" && { threshold: condition.threshold, window_minutes: condition.window_minutes }),
    ...(condition.kind === "any" && { error_types: condition.error_types }),
    ...(condition.kind === "unhandled_for" && { minutes: condition.minutes, unassigned: condition.unassigned }),
    severity: rule.filters.severity ?? [],
    error_type: rule.filters.error_type ?? [],
    platform: rule.filters.platform ?? [],
    shop_id: rule.filters.shop_id ?? [],
    strategy_id: rule.filters.strategy_id ?? [],
    channels: rule.channels.map((channel) => ({
      kind: channel.kind,
      url: "",
      secret: "",
      to: channel.to,
      mentions: channel.mentions.map((m) => ({ user_id: m.user_id, mobile: m.mobile ?? "", im_user_id: m.im_user_id ?? "" })),
      target_hint: channel.target_hint,
      has_secret: channel.has_secret,
    })),
    cooldown_minutes: rule.cooldown_minutes,
    quiet_start: rule.quiet_hours?.start ?? null,
    quiet_end: rule.quiet_hours?.end ?? null,
    digest_hour: rule.digest_hour,
    is_active: rule.is_active,
  };
}

export function conditionOf(values: RuleFormValues): Condition {
  switch (values.kind) {
    case "count":
      return { kind: "count", threshold: values.threshold ?? 0, window_minutes: values.window_minutes ?? 60 };
    case "any":
      return { kind: "any", error_types: values.error_types };
    case "unhandled_for":
      return { kind: "unhandled_for", minutes: values.minutes ?? 120, unassigned: values.unassigned };
  }
}

/** A channel as the API takes it: a robot or webhook gets its URL (and secret, if one was typed); email its list. */
export function channelBody(channel: ChannelValues): ChannelBody {
  const mentions = (channel.mentions ?? [])
    .filter((m): m is MentionValues & { user_id: string } => !!m.user_id)
    .map((m) => ({
      user_id: m.user_id,
      ...(text(m.mobile) && { mobile: text(m.mobile) }),
      ...(text(m.im_user_id) && { im_user_id: text(m.im_user_id) }),
    }));
  if (channel.kind === "email") {
    return { kind: "email", to: (channel.to ?? []).map((to) => to.trim()).filter(Boolean), mentions };
  }
  return { kind: channel.kind, url: text(channel.url), ...(text(channel.secret) && { secret: text(channel.secret) }), mentions };
}

function common(values: RuleFormValues): Omit<AlertRuleBody, "channels"> {
  return {
    name: values.name.trim(),
    condition: conditionOf(values),
    filters: {
      severity: values.severity,
      error_type: values.error_type,
      platform: values.platform,
      shop_id: values.shop_id,
      strategy_id: values.strategy_id,
    },
    cooldown_minutes: values.cooldown_minutes ?? 0,
    quiet_hours: values.quiet_start && values.quiet_end ? { start: values.quiet_start, end: values.quiet_end } : null,
    digest_hour: values.digest_hour ?? null,
    is_active: values.is_active,
  };
}

export function toCreateBody(values: RuleFormValues): AlertRuleBody {
  return { ...common(values), channels: values.channels.map(channelBody) };
}

/** Every field but the channels, which go only when the user touched them (the API replaces the whole list). */
export function toPatchBody(values: RuleFormValues, channelsTouched: boolean): AlertRulePatch {
  return channelsTouched ? { ...common(values), channels: values.channels.map(channelBody) } : common(values);
}

const CONDITION_FIELDS = new Set(["threshold", "window_minutes", "error_types", "minutes", "unassigned"]);
const CONDITION_TAGS = new Set<string>(["count", "any", "unhandled_for"]);
const FILTER_FIELDS = new Set(["severity", "error_type", "platform", "shop_id", "strategy_id"]);
const TOP_LEVEL = new Set(["name", "cooldown_minutes", "digest_hour", "is_active"]);
const CHANNEL_FIELDS = new Set(["kind", "url", "secret", "to"]);
const MENTION_FIELDS = new Set(["user_id", "mobile", "im_user_id"]);

/**
 * The form field an API error path is about (see `paramPath`), or null for none the form shows. A channel named as
 * a whole (`channels.0`: "an email channel needs `to`") lands on its target field, a mention's on its mobile.
 */
export function fieldOf(path: FieldPath, values: Pick<RuleFormValues, "channels">): FieldPath | null {
  const [head, ...rest] = path;
  if (typeof head !== "string") return null;
  if (TOP_LEVEL.has(head)) return [head];
  if (head === "condition") {
    const parts = rest.length > 0 && CONDITION_TAGS.has(String(rest[0])) ? rest.slice(1) : rest;
    const sub = String(parts[0] ?? "kind");
    return CONDITION_FIELDS.has(sub) ? [sub] : ["kind"];
  }
  if (head === "filters") return FILTER_FIELDS.has(String(rest[0])) ? [String(rest[0])] : null;
  if (head === "quiet_hours") return [rest[0] === "start" ? "quiet_start" : "quiet_end"];
  if (head === "channels") {
    const [index, field, mention, mentionField] = rest;
    if (typeof index !== "number" || index >= values.channels.length) return null;
    if (field === undefined) return ["channels", index, values.channels[index]?.kind === "email" ? "to" : "url"];
    if (field === "mentions" && typeof mention === "number") {
      return ["channels", index, "mentions", mention, MENTION_FIELDS.has(String(mentionField)) ? String(mentionField) : "mobile"];
    }
    return CHANNEL_FIELDS.has(String(field)) ? ["channels", index, String(field)] : null;
  }
  return null;
}
