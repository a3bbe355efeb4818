import { render, screen, within } from "@testing-library/react";

import { AppProviders } from "../../app/AppProviders";
import { setLanguage } from "../../app/language";
import { AuditDiff } from "./AuditDiff";
import { diffEntries } from "./diff";

beforeEach(() => setLanguage("zh-CN"));

describe("the field-by-field diff of an audit entry", () => {
  it("marks changed, added, removed and unchanged fields, changes first", () => {
    const rows = diffEntries(
      { name: "Amazon US", market: "US", note: "old", tags: ["a"] },
      { name: "Amazon US 旗舰店", market: "US", tags: ["a"], owner: "ops@shop.cn" },
    );

    expect(rows).toEqual([
      { field: "name", before: "Amazon US", after: "Amazon US 旗舰店", change: "changed" },
      { field: "note", before: "old", after: undefined, change: "removed" },
      { field: "owner", before: undefined, after: "ops@shop.cn", change: "added" },
      { field: "market", before: "US", after: "US", change: "unchanged" },
      { field: "tags", before: '["a"]', after: '["a"]', change: "unchanged" },
    ]);
  });

  it("reads a creation (no before) as every field added, nested objects as dotted fields", () => {
    expect(diffEntries(null, { retention_days: 90, limits: { per_day: 50, enabled: true } })).toEqual([
      { field: "retention_days", before: undefined, after: "90", change: "added" },
      { field: "limits.per_day", before: undefined, after: "50", change: "added" },
      { field: "limits.enabled", before: undefined, after: "true", change: "added" },
    ]);
  });

  it("tells null from a missing field and from the text 'null'", () => {
    const rows = diffEntries({ assignee_id: null, note: "null" }, { assignee_id: "u-1", note: "null" });
    expect(rows[0]).toEqual({ field: "assignee_id", before: "null", after: "u-1", change: "changed" });
    expect(rows[1]!.change).toBe("unchanged");
  });
});

describe("the audit diff view", () => {
  it("shows before and after side by side with the change labelled, and the raw payload", () => {
    render(
      <AppProviders>
        <AuditDiff
          before={{ status: "open", resolution: null }}
          after={{ status: "handled", resolution: "fixed_data" }}
          payload={{ note: "补齐了 item_weight" }}
        />
      </AppProviders>,
    );

    const view = screen.getByTestId("audit-diff");
    const status = within(view).getByRole("row", { name: /status/ });
    expect(status).toHaveTextContent("open");
    expect(status).toHaveTextContent("handled");
    expect(status).toHaveTextContent("修改");
    expect(within(status).getByText("open").tagName).toBe("DEL");
    expect(within(view).getByRole("row", { name: /resolution/ })).toHaveTextContent("fixed_data");
    expect(within(view).getByText("原始请求内容")).toBeInTheDocument();
    expect(view).toHaveTextContent('"note": "补齐了 item_weight"');
  });

  it("says so when an entry changed nothing", () => {
    setLanguage("en");
    render(
      <AppProviders>
        <AuditDiff before={null} after={null} />
      </AppProviders>,
    );
    expect(screen.getByText("This entry changed no fields")).toBeInTheDocument();
  });
});
