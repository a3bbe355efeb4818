
import {
  apiQueryPairs,
  DEFAULT_FILTER,
  exportUrl,
  filterFromParams,
  filterFromView,
  filterToParams,
  filterToView,
  toApiFilter,
} from "./filters";

const SHOP = "0b6f3c1e-1d2a-4c55-9a8e-3f1f0c6a7b21";
const STRATEGY = "7d1c2b3a-4e5f-4a6b-8c7d-9e0f1a2b3c4d";

describe("the board filter in the URL", () => {
  it("reads a bare URL as the default filter: error tab, open rows, last 7 days, newest first", () => {
    expect(filterFromParams(new URLSearchParams())).toEqual(DEFAULT_FILTER);
  });

  it("leaves defaults out of the URL, so the plain board is a plain /", () => {
    expect(filterToParams(DEFAULT_FILTER).toString()).toBe("");
  });

  it("round-trips every filter through the URL, repeatable ones repeated", () => {
    const filter = {
      ...DEFAULT_FILTER,
      severity: "warning" as const,
      errorType: ["MEDIA_QUALITY", "PLATFORM_STATE_DELAYED"],
      platform: ["shopee" as const, "lazada" as const],
      shopId: [SHOP],
      strategyId: [STRATEGY],
      assignee: ["me"],
      status: "handled" as const,
      since: "2026-11-01",
      until: "2026-11-07",
      q: "SKU-001",
      sort: "count" as const,
    };
    const params = filterToParams(filter);
    expect(params.getAll("platform")).toEqual(["shopee", "lazada"]);
    expect(params.getAll("error_type")).toHaveLength(2);
    expect(filterFromParams(new URLSearchParams(params.toString()))).toEqual(filter);
  });

  it("ignores what a hand-edited link gets wrong instead of sending it to the API", () => {
    const params = new URLSearchParams(
      "severity=fatal&platform=ebay&platform=amazon&shop_id=not-a-uuid&status=deleted&since=2026-13-45&sort=price&assignee=bob",
    );
    expect(filterFromParams(params)).toEqual({ ...DEFAULT_FILTER, platform: ["amazon"] });
  });

  it("swaps a window given backwards", () => {
    const filter = filterFromParams(new URLSearchParams("since=2026-11-10&until=2026-11-01"));
    expect([filter.since, filter.until]).toEqual(["2026-11-01", "2026-11-10"]);
  });

  it("keeps the open row and the applied view beside the filter", () => {
    const keep = new URLSearchParams(`group=${SHOP}&view=${STRATEGY}&q=old`);
    const params = filterToParams({ ...DEFAULT_FILTER, q: "new" }, keep);
    expect(params.get("group")).toBe(SHOP);
    expect(params.get("view")).toBe(STRATEGY);
    expect(params.get("q")).toBe("new");
  });
});

describe("the board filter for the API", () => {
  it("turns whole days of the tenant's zone into an RFC 3339 window whose end is the next midnight", () => {
    const api = toApiFilter({ ...DEFAULT_FILTER, since: "2026-11-01", until: "2026-11-07" }, "Asia/Shanghai");
    expect(api.since).toBe("2026-11-01T00:00:00+08:00");
    expect(api.until).toBe("2026-11-08T00:00:00+08:00");
    expect(toApiFilter({ ...DEFAULT_FILTER, since: "2026-11-01" }, "America/New_York").since).toBe(
      "2026-11-01T00:00:00-04:00",
    );
  });

  it("sends no window by default, so the API applies its own last 7 days", () => {
    const api = toApiFilter(DEFAULT_FILTER, "Asia/Shanghai");
    expect(api.since).toBeUndefined();
    expect(api.until).toBeUndefined();
    expect(api.severity).toEqual(["error"]);
    expect(api.status).toBe("open");
  });

  it("exports exactly the board's filter as query parameters", () => {
    const url = exportUrl({ ...DEFAULT_FILTER, platform: ["amazon", "tiktok"], q: "超时", assignee: ["me"] }, "Asia/Shanghai");
    const [path, query] = url.split("?");
    expect(path).toBe("/v1/exports/errors.csv");
    const params = new URLSearchParams(query);
    expect(params.getAll("platform")).toEqual(["amazon", "tiktok"]);
    expect(params.get("q")).toBe("超时");
    expect(params.get("assignee")).toBe("me");
    expect(params.get("severity")).toBe("error");
    expect(params.has("sort")).toBe(false);
  });

  it("repeats list parameters and skips empty ones", () => {
    expect(apiQueryPairs({ status: "open", platform: ["amazon", "lazada"], shop_id: [], q: "" })).toEqual([
      ["status", "open"],
      ["platform", "amazon"],
      ["platform", "lazada"],
    ]);
  });
});

describe("saved views", () => {
  it("store only the chosen fields and come back as the same board filter", () => {
    const filter = { ...DEFAULT_FILTER, platform: ["shopee" as const], since: "2026-11-02", until: "2026-11-05" };
    const stored = filterToView(filter, "Europe/Berlin");
    expect(Object.keys(stored).sort()).toEqual(["platform", "severity", "since", "status", "until"]);
    expect(filterFromView(stored as Record<string, unknown>, "Europe/Berlin")).toEqual(filter);
  });

  it("open a view saved over both severities on the first tab", () => {
    expect(filterFromView({ severity: ["warning", "error"] }, "Asia/Shanghai").severity).toBe("warning");
  });
});
