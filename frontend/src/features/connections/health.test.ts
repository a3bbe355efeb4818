import { translate } from "../../app/language";
import {
  authorizeAction,
  HEALTH,
  HEALTH_STATES,
  healthOf,
  isBroken,
  needsAttention,
  type Shop,
  sortByUrgency,
} from "./health";

type Row = Pick<Shop, "name" | "connection">;

function shop(name: string, health: NonNullable<Shop["connection"]>["health"] | null, endsAt: string | null = null): Row {
  return {
    name,
    connection:
      health === null
        ? null
        : {
            health,
            access_expires_at: null,
            refresh_expires_at: null,
            authorization_expires_at: endsAt,
            missing_scopes: [],
            last_success_at: null,
          },
  };
}

describe("a connection's health on the screen", () => {
  it("is a green, orange, red or grey dot", () => {
    expect(HEALTH.ok.color).toBe("green");
    expect(HEALTH.expiring.color).toBe("orange");
    expect(["expired", "scope_missing", "failing"].map((s) => HEALTH[s as "expired"].color)).toEqual(["red", "red", "red"]);
    expect(HEALTH.unknown.color).toBe("grey");
    expect(HEALTH.none.color).toBe("grey");
  });

  it("reads 'not connected' when the shop has no connection", () => {
    expect(healthOf(shop("A", null))).toBe("none");
    expect(healthOf(shop("A", "failing"))).toBe("failing");
    expect(translate("zh-CN", HEALTH.none.label)).toBe("未连接");
    expect(translate("en", HEALTH.none.label)).toBe("Not connected");
  });

  it("has a label and a hint in both languages for every state", () => {
    for (const state of HEALTH_STATES) {
      for (const language of ["zh-CN", "en"] as const) {
        expect(translate(language, HEALTH[state].label)).not.toContain("connections.");
        expect(translate(language, HEALTH[state].hint).length).toBeGreaterThan(10);
      }
    }
  });

  it("counts red and orange as needing attention, only red as broken", () => {
    expect(HEALTH_STATES.filter(needsAttention)).toEqual(["expired", "scope_missing", "failing", "expiring"]);
    expect(HEALTH_STATES.filter(isBroken)).toEqual(["expired", "scope_missing", "failing"]);
  });

  it("offers Authorize when not connected and Re-authorize where a new grant helps", () => {
    expect(authorizeAction("none")).toBe("authorize");
    expect(["expired", "expiring", "scope_missing"].map((s) => authorizeAction(s as "expired"))).toEqual([
      "reauthorize",
      "reauthorize",
      "reauthorize",
    ]);
    expect(["ok", "failing", "unknown"].map((s) => authorizeAction(s as "ok"))).toEqual([null, null, null]);
  });
});

describe("the order of the shops", () => {
  it("puts problems first, then the authorisation that ends soonest, then the name", () => {
    const rows = [
      shop("Healthy B", "ok", "2026-05-01T00:00:00Z"),
      shop("Healthy A", "ok", "2026-05-01T00:00:00Z"),
      shop("Soon", "ok", "2026-04-01T00:00:00Z"),
      shop("Not connected", null),
      shop("Unchecked", "unknown"),
      shop("Expiring", "expiring", "2026-03-11T00:00:00Z"),
      shop("Failing", "failing"),
      shop("Scope", "scope_missing"),
      shop("Revoked", "expired"),
    ];
    expect(sortByUrgency(rows).map((r) => r.name)).toEqual([
      "Revoked",
      "Scope",
      "Failing",
      "Expiring",
      "Not connected",
      "Unchecked",
      "Soon",
      "Healthy A",
      "Healthy B",
    ]);
  });

  it("leaves the list it was given as it was", () => {
    const rows = [shop("B", "ok"), shop("A", "expired")];
    sortByUrgency(rows);
    expect(rows.map((r) => r.name)).toEqual(["B", "A"]);
  });
});
