import { type APIRequestContext, request as playwrightRequest } from "@playwright/test";
import { execFileSync } from "node:child_process";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

import type { Locator, Page } from "@playwright/test";

import { admin, expect, expectNoActionButtons, logIn, screenshot, test, viewer } from "./fixtures";

// The SLA, audit log, settings and traces screens, each opened on data seeded through the real API (and, for
// traces, which only workers write, through the same trace service the workers use).

const repo = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
const DATABASE_URL =
  process.env.OPENCLAW_E2E_DATABASE_URL ?? "postgresql+asyncpg://postgres@127.0.0.1:5432/openclaw_e2e";
const SHOP = "E2E 屏幕 Amazon US";
const HOUR = 3_600_000;

// Records platform exchanges for the e2e tenant with api.traces.service.record_exchanges (redaction included).
const RECORD_TRACES = `
import asyncio, json, sys
from datetime import datetime
from api.config import get_settings
from api.db import create_app_engine, sessionmaker, tenant_session
from api.tenants.service import find_tenant_id
from api.traces.service import record_exchanges
from workers.platforms.base import Operation, Platform, TraceExchange

async def main():
    tenant, rows = sys.argv[1], json.loads(sys.argv[2])
    engine = create_app_engine(get_settings())
    try:
        async with tenant_session(sessionmaker(engine), None) as session:
            tenant_id = await find_tenant_id(session, tenant)
        async with tenant_session(sessionmaker(engine), tenant_id) as session:
            exchanges = [TraceExchange(**{**r, "platform": Platform(r["platform"]), "operation": Operation(r["operation"]),
                                          "started_at": datetime.fromisoformat(r["started_at"])}) for r in rows]
            await record_exchanges(session, tenant_id, exchanges)
    finally:
        await engine.dispose()
asyncio.run(main())
`;

/** Chooses an option of an antd Select (its listbox options are virtual; the visible items carry the text). */
async function choose(page: Page, select: Locator, option: string, search = false): Promise<void> {
  await select.click();
  if (search) await select.fill(option); // long lists only render what fits
  await page.locator(".ant-select-dropdown:visible .ant-select-item-option", { hasText: option }).first().click();
}

const ago = (hours: number) => new Date(Date.now() - hours * HOUR).toISOString();

interface Seeded {
  shopId: string;
  handledGroupId: string;
}
let seeded: Seeded;

async function signedIn(baseURL: string): Promise<APIRequestContext> {
  const api = await playwrightRequest.newContext({ baseURL });
  const login = await api.post("/v1/auth/login", { data: { email: admin.email, password: admin.password } });
  expect(login.status()).toBe(200);
  return api;
}

test.beforeAll(async () => {
  const api = await signedIn(process.env.E2E_BASE_URL!);
  // Idempotent, so that a retried worker seeds the same data again without failing.
  const shops = ((await (await api.get("/v1/shops")).json()) as { items: { id: string; name: string }[] }).items;
  let shopId = shops.find((s) => s.name === SHOP)?.id;
  if (!shopId) {
    const shop = await api.post("/v1/shops", { data: { name: "E2E Amazon US", platform: "amazon", market: "US" } });
    expect(shop.status()).toBe(201);
    shopId = ((await shop.json()) as { id: string }).id;
    // A rename, so the audit log has a real before/after.
    expect((await api.patch(`/v1/shops/${shopId}`, { data: { name: SHOP } })).status()).toBe(200);
  }

  const listing = "https://sellingpartnerapi-na.amazon.com/listings/2021-08-01/items/A1SELLER/E2E-SKU-1?marketplaceIds=ATVPDKIKX0DER";
  const priceRequest = JSON.stringify({
    productType: "SHOES",
    patches: [{ op: "replace", path: "/attributes/purchasable_offer", value: [{ our_price: [{ schedule: [{ value_with_tax: 59.9 }] }] }] }],
  });
  const base = { platform: "amazon", shop_id: shopId, request_headers: { "content-type": "application/json", "x-amz-access-token": "Atza|secret-token" } };
  const exchanges = [
    {
      ...base,
      trace_id: "e2e-price-0001",
      attempt: 1,
      operation: "price",
      method: "PATCH",
      url: listing,
      request_body: priceRequest,
      started_at: ago(5),
      duration_ms: 312,
      response_status: 429,
      response_headers: { "content-type": "application/json", "x-amzn-RateLimit-Limit": "5.0" },
      response_body: JSON.stringify({ errors: [{ code: "QuotaExceeded", message: "You exceeded your quota for the requested resource." }] }),
    },
    {
      ...base,
      trace_id: "e2e-price-0001",
      attempt: 2,
      operation: "price",
      method: "PATCH",
      url: listing,
      request_body: priceRequest,
      started_at: new Date(Date.now() - 5 * HOUR + 2_000).toISOString(),
      duration_ms: 488,
      response_status: 400,
      response_headers: { "content-type": "application/json" },
      response_body: JSON.stringify({
        sku: "E2E-SKU-1",
        status: "INVALID",
        issues: [{ code: "18155", message: "The minimum price is greater than the selling price.", severity: "ERROR" }],
      }),
    },
    {
      ...base,
      trace_id: "e2e-stock-0002",
      attempt: 1,
      operation: "stock",
      method: "PATCH",
      url: listing.replace("E2E-SKU-1", "E2E-SKU-2"),
      request_body: JSON.stringify({ productType: "SHOES", patches: [{ op: "replace", path: "/attributes/fulfillment_availability" }] }),
      started_at: ago(2),
      duration_ms: 201,
      response_status: 200,
      response_headers: { "content-type": "application/json" },
      response_body: JSON.stringify({ sku: "E2E-SKU-2", status: "ACCEPTED", submissionId: "f1e2d3" }),
    },
    {
      ...base,
      trace_id: "e2e-price-0003",
      attempt: 1,
      operation: "price",
      method: "PATCH",
      url: listing.replace("E2E-SKU-1", "E2E-SKU-3"),
      request_body: priceRequest,
      started_at: ago(72),
      duration_ms: 30_000,
      response_status: null,
      transport_error: "ReadTimeout: timed out after 30 s",
    },
  ];
  execFileSync(join(repo, ".venv", "bin", "python"), ["-c", RECORD_TRACES, process.env.E2E_TENANT!, JSON.stringify(exchanges)], {
    cwd: repo,
    env: { ...process.env, OPENCLAW_DATABASE_URL: DATABASE_URL },
    stdio: ["ignore", "ignore", "inherit"],
  });

  const event = (key: string, hours: number, fields: Record<string, unknown>) => ({
    idempotency_key: `e2e-screens:${key}`,
    occurred_at: ago(hours),
    shop_id: shopId,
    operation: "price",
    ...fields,
  });
  const ingest = await api.post("/v1/error-events", {
    data: {
      events: [
        event("price-1", 5, {
          sku: "E2E-SKU-1",
          error_type: "PRICE_NOT_EFFECTIVE",
          trace_id: "e2e-price-0001",
          platform_error_code: "18155",
          platform_error_message: "The minimum price is greater than the selling price.",
        }),
        event("timeout-3", 72, {
          sku: "E2E-SKU-3",
          error_type: "PLATFORM_UNAVAILABLE",
          trace_id: "e2e-price-0003",
          platform_error_code: "TRANSPORT_ERROR",
          platform_error_message: "ReadTimeout: timed out after 30 s",
        }),
        event("compliance-4", 30, { sku: "E2E-SKU-4", operation: "listing", error_type: "CATEGORY_COMPLIANCE_FAILED", platform_error_code: "90220" }),
        event("compliance-5", 20, { sku: "E2E-SKU-5", operation: "listing", error_type: "CATEGORY_COMPLIANCE_FAILED", platform_error_code: "90220" }),
        event("rate-6", 10, { sku: "E2E-SKU-6", error_type: "RATE_LIMITED", platform_error_code: "QuotaExceeded" }),
      ],
    },
  });
  expect(ingest.status()).toBe(200);
  const groups = ((await ingest.json()) as { items: { idempotency_key: string; group_id: string }[] }).items;
  const group = (key: string) => groups.find((item) => item.idempotency_key === `e2e-screens:${key}`)!.group_id;
  for (const [key, resolution] of [["price-1", "fixed_data"], ["timeout-3", "platform_side"]] as const) {
    const handled = await api.post(`/v1/errors/${group(key)}/handle`, { data: { resolution, note: "e2e" } });
    expect([200, 409]).toContain(handled.status()); // 409: already handled by an earlier try
  }
  seeded = { shopId, handledGroupId: group("price-1") };
  await api.dispose();
});

test("the system log finds a shop's calls, opens one with each attempt's request beside its response", async ({ page }) => {
  await logIn(page, admin);
  await page.getByRole("navigation", { name: "主导航" }).getByRole("menuitem", { name: "调用日志" }).click();
  await expect(page.getByText("默认显示最近 24 小时的调用")).toBeVisible();

  await choose(page, page.getByRole("combobox", { name: "店铺" }), SHOP);
  await expect(page).toHaveURL(new RegExp(`shop_id=${seeded.shopId}`));
  const rows = page.locator(".ant-table-tbody tr.ant-table-row");
  await expect(rows).toHaveCount(3); // two attempts of the price call and the stock call; the 3-day-old call is older
  await expect(rows.filter({ hasText: "e2e-price-0001 #2" })).toContainText("400 失败");
  await expect(rows.filter({ hasText: "e2e-stock-0002" })).toContainText("200 成功");
  await page.waitForLoadState("networkidle");
  await screenshot(page, "30-traces");

  // The outcome filter, and a wider window from the URL, which a colleague could have sent.
  await choose(page, page.getByRole("combobox", { name: "结果" }), "无响应");
  await expect(rows).toHaveCount(0);
  const url = new URL(page.url());
  url.searchParams.set("since", ago(24 * 7));
  url.searchParams.set("until", new Date().toISOString());
  await page.goto(url.toString());
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toContainText("e2e-price-0003");
  await expect(rows.first()).toContainText("无响应");

  // Open the price call: both attempts, request and response side by side, JSON indented, the secret redacted.
  await page.getByRole("button", { name: "清除筛选" }).click();
  await choose(page, page.getByRole("combobox", { name: "店铺" }), SHOP);
  await page.getByRole("link", { name: "e2e-price-0001 #2" }).click();
  const drawer = page.getByRole("dialog", { name: /调用详情 e2e-price-0001/ });
  await expect(drawer).toBeVisible();
  const attempts = drawer.getByTestId("trace-attempt");
  await expect(attempts).toHaveCount(2);
  await expect(attempts.first()).toContainText("第 1 次尝试");
  await expect(attempts.first()).toContainText("429 失败");
  const response = attempts.nth(1).getByLabel("响应体");
  await expect(response).toContainText('"message": "The minimum price is greater than the selling price."');
  expect(await response.textContent()).toContain('\n  "issues": [');
  await expect(attempts.first().getByLabel("请求头")).toContainText("x-amz-access-token: [REDACTED]");
  await expect(drawer).not.toContainText("secret-token");
  await expect(drawer.getByRole("row", { name: /E2E-SKU-1/ })).toContainText("18155");
  await screenshot(page, "31-trace-detail");
  await drawer.getByText("引用此调用的错误事件").scrollIntoViewIfNeeded();
  await screenshot(page, "31b-trace-events");

  // The error event links to its group on the board.
  await drawer.getByRole("link", { name: "在看板中打开" }).click();
  await expect(page).toHaveURL(new RegExp(`/\\?group=${seeded.handledGroupId}$`));
});

test("SLA statistics show time to handle by person and by error type, and the root causes", async ({ page }) => {
  await logIn(page, admin);
  await page.goto("/sla");

  const byPerson = page.locator(".ant-card", { hasText: "按处理人" });
  const adminRow = byPerson.getByRole("row", { name: new RegExp(admin.email.replace(/[.]/g, "\\.")) });
  await expect(adminRow).toBeVisible();
  const byType = page.locator(".ant-card", { hasText: "按错误类型" }).first();
  await expect(byType.getByRole("row", { name: /PRICE_NOT_EFFECTIVE/ })).toContainText(/[45] 小时/);
  await expect(byType.getByRole("row", { name: /PLATFORM_UNAVAILABLE/ })).toContainText(/[23] 天/);
  const rootCauses = page.locator(".ant-card", { hasText: "根因占比" });
  await expect(rootCauses.getByRole("row", { name: /CATEGORY|类目/ }).first()).toBeVisible();
  await expect(rootCauses.getByRole("img", { name: "根因占比" }).locator("canvas")).toBeVisible();
  await expect(page.getByRole("img", { name: "各错误类型处理时长（小时）" }).locator("canvas")).toBeVisible();
  await page.waitForLoadState("networkidle");
  await screenshot(page, "32-sla");

  await page.getByRole("button", { name: "切换为英文" }).click();
  await page.getByText("Last 7 days").click();
  await expect(page.getByText("Median time to handle")).toBeVisible();
  await expect(page.locator(".ant-card", { hasText: "By error type" }).first().getByRole("row", { name: /PRICE_NOT_EFFECTIVE/ })).toContainText(/[45]h/);
  await page.waitForLoadState("networkidle");
  await screenshot(page, "33-sla-en");
  await page.getByRole("button", { name: "Switch to Chinese" }).click();
});

test("the admin changes the tenant's settings; they stay after a reload", async ({ page }) => {
  await logIn(page, admin);
  await page.goto("/settings");
  const form = page.getByTestId("tenant-settings");
  await expect(form.getByRole("radio", { name: "90 天" })).toBeChecked(); // the default

  await form.getByText("180 天").click();
  await form.getByRole("combobox", { name: "时区" }).fill("Los Ang");
  await page.locator(".ant-select-dropdown:visible .ant-select-item-option", { hasText: "America/Los Angeles" }).click();
  await form.getByRole("button", { name: "保存设置" }).click();
  await expect(page.getByText("设置已保存")).toBeVisible();

  await page.reload();
  await expect(form.getByRole("radio", { name: "180 天" })).toBeChecked();
  await expect(form).toContainText("America/Los Angeles");
  const saved = await (await page.request.get("/v1/settings")).json();
  expect(saved).toMatchObject({ retention_days: 180, timezone: "America/Los_Angeles" });
  await screenshot(page, "34-settings");
});

test("the audit log filters by action and shows an entry's before and after", async ({ page }) => {
  await logIn(page, admin);
  await page.goto("/audit");
  const rows = page.locator(".ant-table-tbody > tr.ant-table-row");
  await expect(rows.filter({ hasText: "修改店铺" })).toHaveCount(1);
  await expect(rows.filter({ hasText: "标记已处理" })).toHaveCount(2);
  await page.waitForLoadState("networkidle");
  await screenshot(page, "35-audit");

  await choose(page, page.getByRole("combobox", { name: "操作", exact: true }), "修改店铺", true);
  await page.keyboard.press("Escape");
  await expect(rows).toHaveCount(1);
  await rows.first().click();
  const diff = page.getByTestId("audit-diff");
  const name = diff.getByRole("row", { name: /^name/ });
  await expect(name).toContainText("E2E Amazon US");
  await expect(name).toContainText(SHOP);
  await expect(name).toContainText("修改");
  await screenshot(page, "36-audit-shop-diff");

  // The settings change of the previous story is there too, with what it was before.
  await choose(page, page.getByRole("combobox", { name: "操作", exact: true }), "修改设置", true);
  await page.keyboard.press("Escape");
  await expect(rows.filter({ hasText: "修改设置" })).toHaveCount(1);
  await rows.filter({ hasText: "修改设置" }).click();
  await expect(page.getByTestId("audit-diff").getByRole("row", { name: /retention_days/ })).toContainText(/90.*180/);
  await screenshot(page, "37-audit-settings-diff");
});

test("a viewer reads the screens but changes nothing, and has no audit log", async ({ page }) => {
  await logIn(page, viewer);
  await page.goto("/settings");
  const form = page.getByTestId("tenant-settings");
  await expect(form.getByText("只有管理员可以修改这些设置。")).toBeVisible();
  await expect(form.getByRole("radio", { name: "180 天" })).toBeChecked();
  await expect(form.getByRole("radio", { name: "30 天" })).toBeDisabled();
  await expect(page.getByRole("button", { name: "保存设置" })).toHaveCount(0);
  await screenshot(page, "38-viewer-settings");
  // The API refuses a viewer's write even if the form were bypassed.
  expect((await page.request.put("/v1/settings", { data: { retention_days: 30 } })).status()).toBe(403);

  await page.goto("/audit");
  await expect(page.getByText("没有权限")).toBeVisible();

  await page.goto("/traces");
  await expect(page.locator(".ant-table-tbody tr.ant-table-row", { hasText: "e2e-stock-0002" })).toBeVisible();
  await expectNoActionButtons(page);
  await page.goto("/sla");
  await expect(page.getByText("按处理人")).toBeVisible();
  await expectNoActionButtons(page);
});
