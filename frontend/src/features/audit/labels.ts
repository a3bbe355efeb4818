import type { MessageKey } from "../../app/language";
import type { ActorKind } from "./hooks";

// The actions the API writes today; the filter also takes any other action typed in.
export const ACTIONS: Record<string, MessageKey> = {
  "error_group.handled": "audit.action.error_group.handled",
  "error_group.reopened": "audit.action.error_group.reopened",
  "error_group.assigned": "audit.action.error_group.assigned",
  "error_group.snoozed": "audit.action.error_group.snoozed",
  "error_group.unsnoozed": "audit.action.error_group.unsnoozed",
  "error_group.archived": "audit.action.error_group.archived",
  "error_group.note_pinned": "audit.action.error_group.note_pinned",
  "error_group.regressed": "audit.action.error_group.regressed",
  "error_group.auto_resolved": "audit.action.error_group.auto_resolved",
  "shop.create": "audit.action.shop.create",
  "shop.update": "audit.action.shop.update",
  "shop.delete": "audit.action.shop.delete",
  "view.create": "audit.action.view.create",
  "view.update": "audit.action.view.update",
  "view.delete": "audit.action.view.delete",
  "settings.update": "audit.action.settings.update",
  "api_key.create": "audit.action.api_key.create",
  "api_key.revoke": "audit.action.api_key.revoke",
  "auth.login": "audit.action.auth.login",
};

export const OBJECT_TYPES: Record<string, MessageKey> = {
  error_group: "audit.object.error_group",
  shop: "audit.object.shop",
  saved_view: "audit.object.saved_view",
  tenant_settings: "audit.object.tenant_settings",
  api_key: "audit.object.api_key",
  user: "audit.object.user",
};

export const ACTOR_KINDS: Record<ActorKind, MessageKey> = {
  user: "audit.actor.user",
  api_key: "audit.actor.api_key",
  system: "audit.actor.system",
};
