import { expect, expectNoActionButtons, logIn, screenshot, test } from "./fixtures";

// Shop connections on the demo tenant: `openclaw seed-demo` connects its 12 shops to the sandbox, whose TikTok UK
// seller has revoked the app, so the worker's calls and token refreshes for that shop are refused and its health
// is `expired` (the health cron runs at worker start and every 5 minutes; a refused refresh stores it at once).
const demoAdmin = { email: process.env.E2E_DEMO_ADMIN_EMAIL!, password: process.env.E2E_DEMO_ADMIN_PASSWORD! };
const demoViewer = { email: process.env.E2E_DEMO_VIEWER_EMAIL!, password: process.env.E2E_DEMO_VIEWER_PASSWORD! };
const REVOKED_SHOP = "TikTok Shop UK";
const RED = ["expired", "scope_missing", "failing"];
const URGENCY = [...RED, "expiring", "none", "unknown", "ok"];

// The screen reads the shops again every minute: a health the worker has yet to store shows within that.
test.describe.configure({ timeout: 180_000 });

test("an admin sees every shop's health, problems first, and re-authorizes the revoked shop through the platform's page", async ({ page }) => {
  await logIn(page, demoAdmin);
  await page.getByRole("navigation", { name: "主导航" }).getByRole("menuitem", { name: "店铺连接" }).click();
  await expect(page).toHaveURL(/\/connections$/);
  const table = page.getByTestId("connections-table");
  const rows = table.getByTestId("connection-row");
  await expect(rows).toHaveCount(12);
  await expect(table.getByTestId("health")).toHaveCount(12); // a dot on every row

  // The revoked shop is expired; problems come first, so the first row is red.
  const revoked = rows.filter({ hasText: REVOKED_SHOP });
  await expect(revoked).toHaveAttribute("data-health", "expired", { timeout: 120_000 });
  expect(RED).toContain(await rows.first().getAttribute("data-health"));
  const healths = await rows.evaluateAll((els) => els.map((el) => el.getAttribute("data-health") ?? ""));
  const ranks = healths.map((h) => URGENCY.indexOf(h));
  expect(ranks, `most urgent first: ${healths.join(", ")}`).toEqual([...ranks].sort((a, b) => a - b));
  await expect(revoked.getByTestId("health")).toHaveAttribute("data-color", "red");
  await expect(revoked.getByTestId("health")).toContainText("已过期");
  await expect(revoked.getByTestId("reauthorize")).toBeVisible();

  const summary = page.getByTestId("connections-summary");
  const attention = healths.filter((h) => [...RED, "expiring"].includes(h ?? "")).length;
  await expect(summary).toContainText(`${attention} 个店铺需要处理`);
  await expect(summary).toContainText("共 12 个店铺");
  // The navigation's red dot on Connections while a shop's syncs fail.
  await expect(page.getByRole("navigation", { name: "主导航" }).locator(".ant-badge-dot")).toBeVisible();

  // The first row's tooltip says what the state means and what to do.
  await rows.first().getByTestId("health").hover();
  await expect(page.getByRole("tooltip")).toContainText(/授权|权限|调用平台失败/);
  await revoked.getByTestId("health").hover();
  await expect(page.getByRole("tooltip").filter({ hasText: "卖家可能已在平台取消授权" })).toBeVisible();
  await screenshot(page, "connections-table-zh", { fullPage: false });

  // Filters: one platform, then the shops that need attention.
  await page.getByTestId("filter-platform").click();
  await page.locator(".ant-select-dropdown:visible .ant-select-item-option", { hasText: "TikTok Shop" }).click();
  await expect(page).toHaveURL(/platform=tiktok/);
  await expect(rows).toHaveCount(2);
  await page.getByRole("button", { name: "清除筛选" }).click();
  await page.getByTestId("filter-health").click();
  await page.locator(".ant-select-dropdown:visible .ant-select-item-option", { hasText: "需要处理" }).click();
  await expect(rows).toHaveCount(attention);
  await page.getByRole("button", { name: "清除筛选" }).click();
  await expect(rows).toHaveCount(12);

  // The drawer shows the connection without any secret: credential names, scopes, the last error.
  await revoked.getByTestId("connection-details").click();
  const drawer = page.getByTestId("connection-drawer");
  await expect(drawer).toContainText(`连接详情 · ${REVOKED_SHOP}`);
  await expect(drawer.getByTestId("connection-credentials")).toContainText("app_key");
  await expect(drawer.getByTestId("connection-credentials")).toContainText("app_secret");
  await expect(drawer.getByTestId("connection-credentials")).not.toContainText("sandbox-tiktok-app-secret");
  await expect(drawer.getByTestId("connection-last-error")).not.toBeEmpty();
  await expect(drawer.getByTestId("connection-last-checked")).not.toHaveText("—");
  await expect(page).toHaveURL(/shop=/);
  await screenshot(page, "connections-drawer", { fullPage: false });
  await page.keyboard.press("Escape");
  await expect(drawer).toBeHidden();

  // The seller authorises the app again on TikTok (in the sandbox: the revocation is lifted), and the admin sends
  // them through the authorisation page: the sandbox consents at once and the callback brings the browser back.
  const sandbox = process.env.E2E_SANDBOX_URL!;
  expect((await page.request.put(`${sandbox}/_sandbox/shops/tiktok-uk/faults`, { data: {} })).ok()).toBe(true);
  const platformPage = page.waitForRequest((r) => r.url().startsWith(`${sandbox}/tiktok-auth/open/authorize?`));
  const callback = page.waitForRequest((r) => r.url().includes("/v1/oauth/tiktok/callback?"));
  await revoked.getByTestId("reauthorize").click();
  expect(new URL((await platformPage).url()).searchParams.get("state")).toBeTruthy();
  expect(new URL((await callback).url()).searchParams.get("code")).toBeTruthy();
  await expect(page.getByTestId("authorized-message")).toContainText(`${REVOKED_SHOP} 已完成授权`, { timeout: 20_000 });
  await expect(page).toHaveURL(/\/connections$/); // the parameter is gone
  await expect(revoked).toHaveAttribute("data-health", "ok");
  await expect(revoked.getByTestId("health")).toHaveAttribute("data-color", "green");
  await expect(revoked.getByTestId("reauthorize")).toHaveCount(0);
  await expect(revoked.getByTestId("connection-expires")).toContainText("天后");
  await screenshot(page, "connections-authorized", { fullPage: false });

  // Its drawer now shows the scopes the new grant names.
  await revoked.getByTestId("connection-details").click();
  await expect(drawer.getByTestId("connection-scopes")).toContainText("seller.product.write");
  await page.keyboard.press("Escape");
  await expect(drawer).toBeHidden();

  // In English (once the Chinese success message has gone).
  await expect(page.getByTestId("authorized-message")).toBeHidden({ timeout: 15_000 });
  await page.getByRole("button", { name: "切换为英文" }).click();
  await expect(page.getByRole("heading", { level: 4, name: "Connections" })).toBeVisible();
  await expect(summary).toContainText("12 shops in all");
  await expect(revoked.getByTestId("health")).toContainText("OK");
  await expect(table.getByRole("columnheader", { name: "Authorisation ends" })).toBeVisible();
  await screenshot(page, "connections-table-en", { fullPage: false });
});

test("a viewer reads the connections but gets no authorisation buttons", async ({ page }) => {
  await logIn(page, demoViewer);
  await page.goto("/connections");
  const rows = page.getByTestId("connection-row");
  await expect(rows).toHaveCount(12);
  await expect(page.getByText("只有管理员可以授权店铺，你可以查看。")).toBeVisible();
  await expect(page.getByTestId("authorize")).toHaveCount(0);
  await expect(page.getByTestId("reauthorize")).toHaveCount(0);
  await expectNoActionButtons(page);

  await rows.filter({ hasText: "Amazon US" }).getByTestId("connection-details").click();
  await expect(page.getByTestId("connection-drawer").getByTestId("connection-credentials")).toContainText("client_id");
  // The API refuses a viewer an authorisation link even if a button were there.
  const shops = (await (await page.request.get("/v1/shops")).json()) as { items: { id: string }[] };
  expect((await page.request.get(`/v1/shops/${shops.items[0]!.id}/authorize-url`)).status()).toBe(403);
});
