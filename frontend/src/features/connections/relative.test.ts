import { translate } from "../../app/language";
import { relativeTo } from "./relative";

const NOW = Date.parse("2026-03-10T08:00:00Z");
const at = (ms: number) => new Date(NOW + ms).toISOString();
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

function words(value: string, language: "zh-CN" | "en" = "en"): string {
  const relative = relativeTo(value, NOW);
  return translate(language, relative.key, relative.vars);
}

describe("how far an authorisation's end is", () => {
  it("reads in days beyond two days, rounded down so it never promises more time than there is", () => {
    expect(words(at(2 * DAY + 23 * HOUR))).toBe("in 2 days");
    expect(words(at(2 * DAY + 23 * HOUR), "zh-CN")).toBe("2 天后");
    expect(words(at(30 * DAY))).toBe("in 30 days");
  });

  it("reads in hours below two days and in minutes below an hour, with English singulars", () => {
    expect(words(at(47 * HOUR))).toBe("in 47 hours");
    expect(words(at(HOUR + 59 * MINUTE))).toBe("in 1 hour");
    expect(words(at(5 * MINUTE), "zh-CN")).toBe("5 分钟后");
    expect(words(at(MINUTE))).toBe("in 1 minute");
    expect(words(at(20_000))).toBe("now");
  });

  it("says how long ago a time that has passed was, and marks it past", () => {
    expect(words(at(-3 * DAY))).toBe("3 days ago");
    expect(words(at(-3 * DAY), "zh-CN")).toBe("3 天前");
    expect(words(at(-DAY - HOUR))).toBe("25 hours ago");
    expect(words(at(-MINUTE))).toBe("1 minute ago");
    expect(relativeTo(at(-MINUTE), NOW).past).toBe(true);
    expect(relativeTo(at(DAY), NOW).past).toBe(false);
  });
});
