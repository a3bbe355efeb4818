import { describe, expect, it } from "vitest";

import { paramPath, placeInvalidParams } from "./invalidParams";

describe("problem field names", () => {
  it("reads our bracket names and pydantic's dotted ones alike", () => {
    expect(paramPath("channels[0].url")).toEqual(["channels", 0, "url"]);
    expect(paramPath("channels.0.url")).toEqual(["channels", 0, "url"]);
    expect(paramPath("filters.shop_id[2]")).toEqual(["filters", "shop_id", 2]);
    expect(paramPath("grid[1][3].cell")).toEqual(["grid", 1, 3, "cell"]);
    expect(paramPath("name")).toEqual(["name"]);
    expect(paramPath("")).toEqual([]);
  });

  it("puts each reason on the field it names and keeps the rest apart", () => {
    const placed = placeInvalidParams(
      [
        { name: "channels[0].url", reason: "refused", type: "target_metadata" },
        { name: "channels.0.url", reason: "refused", type: "target_metadata" },
        { name: "channels.0.url", reason: "too long", type: "string_too_long" },
        { name: "body", reason: "not JSON", type: "json_invalid" },
      ],
      (path) => (path[0] === "channels" ? path : null),
    );
    expect(placed.fields).toEqual([{ name: ["channels", 0, "url"], errors: ["refused", "too long"] }]);
    expect(placed.others).toEqual([{ name: "body", reason: "not JSON", type: "json_invalid" }]);
  });
});
