import type { Language } from "../../app/language";

const UNITS: { seconds: number; zh: string; en: string }[] = [
  { seconds: 86_400, zh: "天", en: "d" },
  { seconds: 3_600, zh: "小时", en: "h" },
  { seconds: 60, zh: "分钟", en: "min" },
  { seconds: 1, zh: "秒", en: "s" },
];

/**
 * A time to handle in the two largest units that matter ("2 天 3 小时", "2d 3h"): a median of 187,342 s is read
 * at a glance that way. Null (nothing handled in the window) is a dash.
 */
export function formatDuration(seconds: number | null | undefined, language: Language): string {
  if (seconds === null || seconds === undefined) return "—";
  let rest = Math.max(0, Math.round(seconds));
  if (rest === 0) return language === "en" ? "0s" : "0 秒";
  const parts: string[] = [];
  for (const unit of UNITS) {
    if (parts.length === 2) break;
    const count = Math.floor(rest / unit.seconds);
    rest -= count * unit.seconds;
    if (count > 0) parts.push(language === "en" ? `${count}${unit.en}` : `${count} ${unit.zh}`);
    else if (parts.length > 0) break; // "1 天" rather than "1 天 0 小时 5 分钟"
  }
  return parts.join(" ");
}
