import { describe, expect, it } from "vitest";

import { paramPath, placeInvalidParams } from "../../api/invalidParams";
import { channelBody, fieldOf, NEW_RULE, type RuleFormValues, toCreateBody, toFormValues, toPatchBody } from "./form";
import type { AlertRule } from "./queries";

const SHOP = "6b1f4a2e-0000-4000-8000-000000000001";
const USER = "6b1f4a2e-0000-4000-8000-0000000000aa";

const stored: AlertRule = {
  id: "6b1f4a2e-0000-4000-8000-000000000099",
  name: "Stock sync SLA",
  condition: { kind: "unhandled_for", minutes: 120, unassigned: true },
  filters: { severity: ["error"], error_type: ["INVENTORY_SYNC_FAILED"], platform: [], shop_id: [SHOP], strategy_id: [] },
  channels: [
    {
      kind: "dingtalk",
      target_hint: "oapi.dingtalk.com …abcd",
      has_secret: true,
      to: [],
      mentions: [{ user_id: USER, mobile: "13800000000", im_user_id: null }],
    },
    { kind: "email", target_hint: "ops@example.com", has_secret: false, to: ["ops@example.com"], mentions: [] },
  ],
  cooldown_minutes: 30,
  quiet_hours: { start: "22:00", end: "08:00" },
  digest_hour: 9,
  is_active: false,
  last_fired_at: null,
  created_at: "2026-01-01T00:00:00Z",
  updated_at: "2026-01-01T00:00:00Z",
};

describe("alert rule form values", () => {
  it("writes a new count rule as the API's body", () => {
    const values: RuleFormValues = {
      ...NEW_RULE,
      name: "  Too many errors  ",
      platform: ["shopee"],
      channels: [{ kind: "webhook", url: " http://127.0.0.1:9000/hook ", secret: "", to: [], mentions: [] }],
      quiet_start: "23:00",
      quiet_end: null,
    };
    expect(toCreateBody(values)).toEqual({
      name: "Too many errors",
      condition: { kind: "count", threshold: 50, window_minutes: 1440 },
      filters: { severity: [], error_type: [], platform: ["shopee"], shop_id: [], strategy_id: [] },
      channels: [{ kind: "webhook", url: "http://127.0.0.1:9000/hook", mentions: [] }],
      cooldown_minutes: 60,
      quiet_hours: null, // half a pair is no quiet hours (the form refuses it before this)
      digest_hour: null,
      is_active: true,
    });
  });

  it("sends only the chosen condition kind's fields", () => {
    const any = toCreateBody({ ...NEW_RULE, kind: "any", error_types: ["AUTH_EXPIRED"], threshold: 7 });
    expect(any.condition).toEqual({ kind: "any", error_types: ["AUTH_EXPIRED"] });
  });

  it("reads a stored rule into the form: channels without URL or secret, and the PATCH leaves them out until touched", () => {
    const values = toFormValues(stored);
    expect(values).toMatchObject({
      kind: "unhandled_for",
      minutes: 120,
      unassigned: true,
      threshold: 50, // the other kinds keep their defaults for a switch
      severity: ["error"],
      shop_id: [SHOP],
      quiet_start: "22:00",
      quiet_end: "08:00",
      digest_hour: 9,
      is_active: false,
    });
    expect(values.channels[0]).toEqual({
      kind: "dingtalk",
      url: "",
      secret: "",
      to: [],
      mentions: [{ user_id: USER, mobile: "13800000000", im_user_id: "" }],
      target_hint: "oapi.dingtalk.com …abcd",
      has_secret: true,
    });

    const patch = toPatchBody({ ...values, cooldown_minutes: 15 }, false);
    expect(patch).not.toHaveProperty("channels");
    expect(patch).toMatchObject({
      name: "Stock sync SLA",
      condition: { kind: "unhandled_for", minutes: 120, unassigned: true },
      cooldown_minutes: 15,
      quiet_hours: { start: "22:00", end: "08:00" },
      digest_hour: 9,
    });
  });

  it("sends the whole channel list again once touched, without the stored hints", () => {
    const values = toFormValues(stored);
    values.channels[0] = { ...values.channels[0]!, url: "https://oapi.dingtalk.com/robot/send?access_token=x", secret: " SEC1 " };
    const patch = toPatchBody({ ...values, digest_hour: null, quiet_start: null, quiet_end: null }, true);
    expect(patch.channels).toEqual([
      {
        kind: "dingtalk",
        url: "https://oapi.dingtalk.com/robot/send?access_token=x",
        secret: "SEC1",
        mentions: [{ user_id: USER, mobile: "13800000000" }],
      },
      { kind: "email", to: ["ops@example.com"], mentions: [] },
    ]);
    expect(patch.digest_hour).toBeNull(); // null clears the digest
    expect(patch.quiet_hours).toBeNull();
  });

  it("keeps a channel's target to its kind", () => {
    expect(channelBody({ kind: "email", url: "http://left.over", secret: "s", to: [" a@b.cn ", ""], mentions: [] })).toEqual({
      kind: "email",
      to: ["a@b.cn"],
      mentions: [],
    });
    expect(channelBody({ kind: "wecom", url: "https://qyapi.weixin.qq.com/x", to: ["a@b.cn"] })).toEqual({
      kind: "wecom",
      url: "https://qyapi.weixin.qq.com/x",
      mentions: [],
    });
  });
});

describe("API refusals on the rule form's fields", () => {
  const values = { channels: [{ kind: "webhook" as const }, { kind: "email" as const }] };
  const field = (name: string) => fieldOf(paramPath(name), values);

  it("places our own and pydantic's names on the field they are about", () => {
    expect(field("channels[0].url")).toEqual(["channels", 0, "url"]);
    expect(field("channels.1.to.0")).toEqual(["channels", 1, "to"]);
    expect(field("channels.0")).toEqual(["channels", 0, "url"]);
    expect(field("channels.1")).toEqual(["channels", 1, "to"]);
    expect(field("channels.0.mentions.2.mobile")).toEqual(["channels", 0, "mentions", 2, "mobile"]);
    expect(field("channels.0.mentions.2")).toEqual(["channels", 0, "mentions", 2, "mobile"]);
    expect(field("condition.count.threshold")).toEqual(["threshold"]);
    expect(field("condition.unhandled_for.minutes")).toEqual(["minutes"]);
    expect(field("condition")).toEqual(["kind"]);
    expect(field("filters.shop_id[1]")).toEqual(["shop_id"]);
    expect(field("quiet_hours.start")).toEqual(["quiet_start"]);
    expect(field("quiet_hours")).toEqual(["quiet_end"]);
    expect(field("digest_hour")).toEqual(["digest_hour"]);
    expect(field("cooldown_minutes")).toEqual(["cooldown_minutes"]);
  });

  it("keeps what no field shows for the alert above the form", () => {
    expect(field("channels")).toBeNull();
    expect(field("channels[5].url")).toBeNull();
    expect(field("body")).toBeNull();
    const placed = placeInvalidParams(
      [
        { name: "channels[0].url", reason: "a cloud metadata address is refused", type: "target_metadata" },
        { name: "channels", reason: "too many", type: "too_long" },
      ],
      (path) => fieldOf(path, values),
    );
    expect(placed.fields).toEqual([{ name: ["channels", 0, "url"], errors: ["a cloud metadata address is refused"] }]);
    expect(placed.others.map((p) => p.name)).toEqual(["channels"]);
  });
});
