import type { MessageKey } from "../../app/language";

type Translate = (key: MessageKey, vars?: Record<string, string | number>) => string;

/**
 * Who started a task, from the reference the API stores ("user:<id>", "api_key:<id>", "system") in the reader's
 * words: a user by name (when the users list knows them), an API key (the ERP) or the system (a schedule).
 */
export function actorLabel(ref: string | null, userNames: ReadonlyMap<string, string>, t: Translate): string {
  if (!ref) return "—";
  if (ref === "system") return t("tasks.by.system");
  const [kind, id = ""] = ref.split(":", 2);
  if (kind === "user") return userNames.get(id) ?? t("tasks.by.user", { id: id.slice(0, 8) });
  if (kind === "api_key") return t("tasks.by.apiKey", { id: id.slice(0, 8) });
  return ref;
}
