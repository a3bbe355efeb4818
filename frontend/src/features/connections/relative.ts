// "in 2 days" / "3 hours ago": how far a time is from now, in the one unit that reads best. Pure (the caller passes
// now) so that it is tested without a clock, and worded through the app's catalogue so it speaks zh-CN and English.
import type { MessageKey } from "../../app/language";

export interface Relative {
  key: MessageKey;
  vars: { n: number };
  /** The time has passed. */
  past: boolean;
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

type Unit = "minute" | "hour" | "day";

// English needs a singular; Chinese reads the same either way (its catalogue holds the same words twice).
const KEYS: Record<"in" | "ago", Record<Unit, { one: MessageKey; many: MessageKey }>> = {
  in: {
    minute: { one: "connections.rel.inMinute", many: "connections.rel.inMinutes" },
    hour: { one: "connections.rel.inHour", many: "connections.rel.inHours" },
    day: { one: "connections.rel.inDay", many: "connections.rel.inDays" },
  },
  ago: {
    minute: { one: "connections.rel.minuteAgo", many: "connections.rel.minutesAgo" },
    hour: { one: "connections.rel.hourAgo", many: "connections.rel.hoursAgo" },
    day: { one: "connections.rel.dayAgo", many: "connections.rel.daysAgo" },
  },
};

/** Minutes below an hour, hours below two days, days beyond; under a minute is "now". Rounded down, so that
 * "in 2 days" never promises more time than there is. */
export function relativeTo(value: string | Date, now: number): Relative {
  const at = typeof value === "string" ? Date.parse(value) : value.getTime();
  const diff = at - now;
  const past = diff < 0;
  const span = Math.abs(diff);
  if (span < MINUTE) return { key: "connections.rel.now", vars: { n: 0 }, past };
  const [unit, n]: [Unit, number] =
    span < HOUR ? ["minute", Math.floor(span / MINUTE)] : span < 2 * DAY ? ["hour", Math.floor(span / HOUR)] : ["day", Math.floor(span / DAY)];
  const keys = KEYS[past ? "ago" : "in"][unit];
  return { key: n === 1 ? keys.one : keys.many, vars: { n }, past };
}
