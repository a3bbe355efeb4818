// The fixed vocabularies of the alerts screen as message keys and tag colours. Records over the generated unions:
// a channel kind or delivery status added to the API fails the typecheck until it is named here.
import type { MessageKey } from "../../app/language";
import type { ChannelKind, ConditionKind, DeliveryKind, DeliveryStatus } from "./queries";

export const CHANNEL_KINDS: Record<ChannelKind, { label: MessageKey; color: string }> = {
  wecom: { label: "alerts.channel.wecom", color: "green" },
  dingtalk: { label: "alerts.channel.dingtalk", color: "blue" },
  feishu: { label: "alerts.channel.feishu", color: "cyan" },
  email: { label: "alerts.channel.email", color: "gold" },
  webhook: { label: "alerts.channel.webhook", color: "purple" },
};
export const CHANNEL_KIND_ORDER = Object.keys(CHANNEL_KINDS) as ChannelKind[];

export const CONDITION_KINDS: Record<ConditionKind, MessageKey> = {
  count: "alerts.conditionKind.count",
  any: "alerts.conditionKind.any",
  unhandled_for: "alerts.conditionKind.unhandled_for",
};
export const CONDITION_KIND_ORDER = Object.keys(CONDITION_KINDS) as ConditionKind[];

export const DELIVERY_STATUSES: Record<DeliveryStatus, { label: MessageKey; color: string }> = {
  pending: { label: "alerts.status.pending", color: "default" },
  sending: { label: "alerts.status.sending", color: "default" },
  retrying: { label: "alerts.status.retrying", color: "orange" },
  sent: { label: "alerts.status.sent", color: "green" },
  failed: { label: "alerts.status.failed", color: "red" },
};
export const DELIVERY_STATUS_ORDER = Object.keys(DELIVERY_STATUSES) as DeliveryStatus[];

export const DELIVERY_KINDS: Record<DeliveryKind, { label: MessageKey; color: string }> = {
  alert: { label: "alerts.deliveryKind.alert", color: "volcano" },
  digest: { label: "alerts.deliveryKind.digest", color: "blue" },
  reminder: { label: "alerts.deliveryKind.reminder", color: "magenta" },
  test: { label: "alerts.deliveryKind.test", color: "default" },
};
