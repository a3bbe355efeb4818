import { formatDuration } from "./duration";

describe("a time to handle", () => {
  it("reads in its two largest units, in Chinese and English", () => {
    expect(formatDuration(2 * 86_400 + 3 * 3_600 + 17 * 60, "zh-CN")).toBe("2 天 3 小时");
    expect(formatDuration(2 * 86_400 + 3 * 3_600 + 17 * 60, "en")).toBe("2d 3h");
    expect(formatDuration(3 * 3_600 + 5 * 60 + 9, "en")).toBe("3h 5min");
    expect(formatDuration(42.4, "zh-CN")).toBe("42 秒");
  });

  it("stops at a zero unit rather than showing a misleading smaller one", () => {
    expect(formatDuration(86_400 + 5 * 60, "en")).toBe("1d");
  });

  it("shows a dash when nothing was handled, and zero as zero", () => {
    expect(formatDuration(null, "en")).toBe("—");
    expect(formatDuration(0, "zh-CN")).toBe("0 秒");
  });
});
