import { render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { MemoryRouter } from "react-router-dom";

import { AppProviders } from "../../app/AppProviders";
import { setLanguage } from "../../app/language";
import { json, stubFetch } from "../../test/fetch";
import ApprovalsPage from "./ApprovalsPage";

const HELD = {
  id: "a1",
  status: "pending",
  reason: "price cut 41.0% (100.00 → 59.00) is over the policy's 30%",
  requested_at: "2026-12-07T02:00:00Z",
  decided_at: null,
  decided_by: null,
  note: null,
  push_action_id: "p1",
  task_id: "7d2f0c1e-0000-4000-8000-000000000001",
  strategy_id: "s1",
  shop_id: "shop-ph",
  shop_name: "Shopee PH",
  sku: "MUG-002",
  operation: "price",
  value: { price: "59.00", currency: "PHP", sale_price: null },
  previous_value: { price: "100.00", currency: "PHP", sale_price: null },
};
const STRATEGY = { id: "s1", name: "限时秒杀 Flash sale", approval_policy: { max_price_cut_pct: "30", hold_stock_to_zero: true } };

function serve(role: "operator" | "viewer") {
  return stubFetch(async (request) => {
    const path = new URL(request.url).pathname;
    if (path === "/v1/me") return json({ kind: "user", id: "u1", tenant_id: "t1", tenant_name: "Acme", email: "o@acme.cn", role, scopes: [] });
    if (path === "/v1/approvals/a1/approve") {
      return json({ ...HELD, status: "approved", note: JSON.parse(await request.text()).note, decided_by: "user:u1" });
    }
    if (path === "/v1/approvals") return json({ items: [HELD] });
    if (path === "/v1/strategies") return json({ items: [STRATEGY] });
    if (path === "/v1/shops") return json({ items: [{ id: "shop-ph", name: "Shopee PH", platform: "shopee", market: "PH" }] });
    if (path === "/v1/users") return json({ items: [{ id: "u1", display_name: "运营 Olivia", email: null }] });
    return json({ timezone: "Asia/Shanghai" });
  });
}

function renderPage() {
  render(
    <AppProviders>
      <MemoryRouter initialEntries={["/approvals"]}>
        <ApprovalsPage />
      </MemoryRouter>
    </AppProviders>,
  );
}

beforeEach(() => setLanguage("zh-CN"));

describe("the approvals screen", () => {
  it("shows a held price cut against the last applied price, the rule, its task and strategy", { timeout: 20_000 }, async () => {
    serve("operator");
    renderPage();

    const row = await screen.findByRole("row", { name: /MUG-002/ }, { timeout: 5_000 });
    expect(within(row).getByTestId("held-change")).toHaveTextContent("价格100.00→59.00PHP-41 %");
    const rule = await within(row).findByText("降价 41%，超过策略的审批上限 30%");
    expect(rule).toHaveAttribute("title", HELD.reason); // the API's own sentence at hand
    expect(within(row).getByRole("link", { name: "限时秒杀 Flash sale" })).toHaveAttribute("href", "/strategies?strategy=s1");
    expect(within(row).getByRole("link", { name: "任务 7d2f0c1e" })).toHaveAttribute("href", `/tasks/${HELD.task_id}`);
    expect(within(row).getByText("提交于 12-07 10:00")).toBeInTheDocument(); // the tenant's zone
  });

  it("lets an operator approve with a note through POST /v1/approvals/{id}/approve", { timeout: 20_000 }, async () => {
    const sent = serve("operator");
    renderPage();

    await userEvent.click(await screen.findByRole("button", { name: /批\s*准/ }));
    const dialog = await screen.findByRole("dialog");
    expect(dialog).toHaveTextContent("MUG-002 · Shopee PH：价格 100.00 → 59.00 PHP");
    await userEvent.type(within(dialog).getByLabelText("审批备注"), "双十二活动价，已确认");
    await userEvent.click(within(dialog).getByRole("button", { name: /批\s*准/ }));

    expect(await screen.findByText("已批准 MUG-002，workers 正在推送")).toBeInTheDocument();
    const post = sent.find((r) => r.method === "POST")!;
    expect(new URL(post.url).pathname).toBe("/v1/approvals/a1/approve");
    expect(JSON.parse(post.body)).toEqual({ note: "双十二活动价，已确认" });
  });

  it("shows a viewer the held changes read-only, in English too", { timeout: 20_000 }, async () => {
    setLanguage("en");
    const sent = serve("viewer");
    renderPage();

    const row = await screen.findByRole("row", { name: /MUG-002/ }, { timeout: 5_000 });
    await waitFor(() => expect(screen.getByText("Only operators and admins decide approvals; you can read them.")).toBeInTheDocument());
    expect(within(row).getByText("Pending")).toBeInTheDocument();
    expect(screen.queryByRole("button", { name: "Approve" })).not.toBeInTheDocument();
    expect(sent.every((r) => r.method === "GET")).toBe(true);
  });
});
