// A rule said in words, for the table: "24 小时内超过 50 个" / "more than 50 in 24 h".
import type { MessageKey } from "../../app/language";
import type { AlertRule, Condition } from "./queries";

export type Translate = (key: MessageKey, vars?: Record<string, string | number>) => string;

/** Minutes as the largest whole unit: 1440 → "24 h" (a day reads as hours), 2880 → "2 d", 90 → "90 min". */
export function durationInWords(minutes: number, t: Translate): string {
  if (minutes >= 2 * 1440 && minutes % 1440 === 0) return t("alerts.duration.days", { n: minutes / 1440 });
  if (minutes >= 60 && minutes % 60 === 0) return t("alerts.duration.hours", { n: minutes / 60 });
  return t("alerts.duration.minutes", { n: minutes });
}

/** `typeTitle` names an error type in the UI language (the taxonomy served by the API); its code otherwise. */
export function conditionInWords(condition: Condition, t: Translate, typeTitle: (code: string) => string = (code) => code): string {
  switch (condition.kind) {
    case "count":
      return t("alerts.words.count", { threshold: condition.threshold, window: durationInWords(condition.window_minutes, t) });
    case "any":
      return t("alerts.words.any", { types: condition.error_types.map(typeTitle).join(t("alerts.words.separator")) });
    case "unhandled_for":
      return t(condition.unassigned ? "alerts.words.unassigned" : "alerts.words.unhandled", {
        duration: durationInWords(condition.minutes, t),
      });
  }
}

export function cooldownInWords(minutes: number, t: Translate): string {
  return minutes === 0 ? t("alerts.words.noCooldown") : durationInWords(minutes, t);
}

export function quietHoursInWords(quiet: AlertRule["quiet_hours"]): string | null {
  return quiet ? `${quiet.start}–${quiet.end}` : null;
}

export function digestInWords(hour: number | null, t: Translate): string | null {
  return hour === null ? null : t("alerts.words.digest", { hour: `${String(hour).padStart(2, "0")}:00` });
}
