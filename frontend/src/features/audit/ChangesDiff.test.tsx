import { render, screen, within } from "@testing-library/react";

import { AppProviders } from "../../app/AppProviders";
import { setLanguage } from "../../app/language";
import { ChangesDiff } from "./ChangesDiff";
import { sidesOfChanges } from "./diff";

beforeEach(() => setLanguage("zh-CN"));

describe("a list of changed paths as a diff", () => {
  it("keeps one key per path and leaves a missing side out (added, removed)", () => {
    expect(
      sidesOfChanges([
        { path: "config.markup_pct", before: "15", after: "20" },
        { path: "config.min_price", before: null, after: "9.99" },
        { path: "shop_ids", before: ["a"], after: null },
      ]),
    ).toEqual({
      before: { "config.markup_pct": "15", shop_ids: ["a"] },
      after: { "config.markup_pct": "20", "config.min_price": "9.99" },
    });
  });

  it("shows the changes in the audit diff table, or says there are none", () => {
    const { unmount } = render(
      <AppProviders>
        <ChangesDiff changes={[{ path: "config.markup_pct", before: "15", after: "20" }]} sameText="一致" />
      </AppProviders>,
    );
    const row = within(screen.getByTestId("audit-diff")).getByRole("row", { name: /config\.markup_pct/ });
    expect(row).toHaveTextContent("15");
    expect(row).toHaveTextContent("20");
    unmount();

    render(
      <AppProviders>
        <ChangesDiff changes={[]} sameText="与策略当前配置一致" />
      </AppProviders>,
    );
    expect(screen.getByTestId("changes-same")).toHaveTextContent("与策略当前配置一致");
  });
});
