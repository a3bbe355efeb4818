import { describe, expect, it } from "vitest";

import { type MessageKey, translate } from "../../app/language";
import type { Condition } from "./queries";
import { conditionInWords, cooldownInWords, digestInWords, durationInWords, quietHoursInWords } from "./words";

const zh = (key: MessageKey, vars?: Record<string, string | number>) => translate("zh-CN", key, vars);
const en = (key: MessageKey, vars?: Record<string, string | number>) => translate("en", key, vars);

describe("a rule in words", () => {
  it("says durations in their largest whole unit, a day as hours", () => {
    expect(durationInWords(1440, zh)).toBe("24 小时");
    expect(durationInWords(1440, en)).toBe("24 h");
    expect(durationInWords(60, en)).toBe("1 h");
    expect(durationInWords(2880, zh)).toBe("2 天");
    expect(durationInWords(90, en)).toBe("90 min");
    expect(durationInWords(30, zh)).toBe("30 分钟");
  });

  it("says a count over a window", () => {
    const condition = { kind: "count", threshold: 50, window_minutes: 1440 } as const;
    expect(conditionInWords(condition, zh)).toBe("24 小时内超过 50 个");
    expect(conditionInWords(condition, en)).toBe("more than 50 in 24 h");
  });

  it("names the error types of an 'any' rule by their titles, or their codes when the taxonomy is not loaded", () => {
    const condition: Condition = { kind: "any", error_types: ["AUTH_EXPIRED", "AUTH_SCOPE_MISSING"] };
    expect(conditionInWords({ kind: "any", error_types: ["AUTH_EXPIRED"] }, zh)).toBe("出现 AUTH_EXPIRED");
    const titles: Record<string, string> = { AUTH_EXPIRED: "Authorisation expired" };
    expect(conditionInWords(condition, en, (code) => titles[code] ?? code)).toBe("any Authorisation expired, AUTH_SCOPE_MISSING");
    expect(conditionInWords(condition, zh)).toBe("出现 AUTH_EXPIRED、AUTH_SCOPE_MISSING");
  });

  it("says an SLA reminder, and whether it is about unassigned groups only", () => {
    expect(conditionInWords({ kind: "unhandled_for", minutes: 120, unassigned: false }, zh)).toBe("未处理超过 2 小时");
    expect(conditionInWords({ kind: "unhandled_for", minutes: 120, unassigned: false }, en)).toBe("unhandled for more than 2 h");
    expect(conditionInWords({ kind: "unhandled_for", minutes: 45, unassigned: true }, zh)).toBe("未分配且未处理超过 45 分钟");
  });

  it("says the cooldown, quiet hours and digest", () => {
    expect(cooldownInWords(0, zh)).toBe("无");
    expect(cooldownInWords(60, en)).toBe("1 h");
    expect(quietHoursInWords({ start: "22:00", end: "08:00" })).toBe("22:00–08:00");
    expect(quietHoursInWords(null)).toBeNull();
    expect(digestInWords(9, zh)).toBe("每天 09:00 汇总");
    expect(digestInWords(18, en)).toBe("Digest daily at 18:00");
    expect(digestInWords(null, en)).toBeNull();
  });
});
