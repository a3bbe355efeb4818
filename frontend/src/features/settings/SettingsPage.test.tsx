import { render, screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";

import { AppProviders } from "../../app/AppProviders";
import { setLanguage } from "../../app/language";
import { json, stubFetch } from "../../test/fetch";
import SettingsPage from "./SettingsPage";

const SETTINGS = { retention_days: 90, timezone: "Asia/Shanghai", language: "zh-CN", updated_at: "2026-11-20T02:00:00Z" };

function serve(role: "admin" | "viewer") {
  return stubFetch(async (request) => {
    const path = new URL(request.url).pathname;
    if (path === "/v1/me") {
      return json({ kind: "user", id: "u1", tenant_id: "t1", tenant_name: "Acme", email: "a@acme.cn", role, scopes: [] });
    }
    if (path === "/v1/settings" && request.method === "PUT") {
      return json({ ...SETTINGS, ...(await request.json()), updated_at: "2026-11-25T04:00:00Z" });
    }
    return json(SETTINGS);
  });
}

beforeEach(() => setLanguage("zh-CN"));

describe("the settings screen", () => {
  it("lets an admin change the retention and saves only through PUT /v1/settings", { timeout: 20_000 }, async () => {
    const sent = serve("admin");
    render(
      <AppProviders>
        <SettingsPage />
      </AppProviders>,
    );

    expect(await screen.findByRole("radio", { name: "90 天" })).toBeChecked();
    // The last change is shown in the tenant's zone (UTC+8), not the browser's.
    expect(screen.getByText("最近修改：2026-11-20 10:00")).toBeInTheDocument();
    await userEvent.click(screen.getByText("30 天"));
    await userEvent.click(screen.getByRole("button", { name: "保存设置" }));

    expect(await screen.findByText("设置已保存")).toBeInTheDocument();
    const put = sent.find((r) => r.method === "PUT")!;
    expect(JSON.parse(put.body)).toEqual({ retention_days: 30, timezone: "Asia/Shanghai", language: "zh-CN" });
  });

  it("shows a viewer the settings read-only, without a save button", { timeout: 20_000 }, async () => {
    const sent = serve("viewer");
    render(
      <AppProviders>
        <SettingsPage />
      </AppProviders>,
    );

    expect(await screen.findByText("只有管理员可以修改这些设置。")).toBeInTheDocument();
    await waitFor(() => expect(screen.getByRole("radio", { name: "90 天" })).toBeChecked());
    expect(screen.getByRole("radio", { name: "30 天" })).toBeDisabled();
    expect(screen.queryByRole("button", { name: "保存设置" })).not.toBeInTheDocument();
    expect(sent.every((r) => r.method === "GET")).toBe(true);
  });
});
