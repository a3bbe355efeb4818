import { readFileSync } from "node:fs";

import type { Locator, Page } from "@playwright/test";

import { expect, logIn, screenshot, test } from "./fixtures";

// The error board on the demo tenant: `openclaw seed-demo` starts its strategies and the worker fills the board by
// pushing to the sandbox (global-setup waits until it has settled), so every row is a real platform answer.
const demoAdmin = { email: process.env.E2E_DEMO_ADMIN_EMAIL!, password: process.env.E2E_DEMO_ADMIN_PASSWORD! };
const demoViewer = { email: process.env.E2E_DEMO_VIEWER_EMAIL!, password: process.env.E2E_DEMO_VIEWER_PASSWORD! };

const rows = (page: Page) => page.getByTestId("board-row");

// Each story walks several filters and writes on a real API; the default 30 s is too tight on a 2-core machine.
test.describe.configure({ timeout: 120_000 });

/** Waits until the board shows the answer to the current URL (nothing loading), then returns the matching total. */
async function settled(page: Page): Promise<number> {
  await expect(page.getByTestId("board")).toHaveAttribute("aria-busy", "false");
  const pager = page.getByRole("navigation", { name: "分页" });
  await expect(pager).toContainText(/共\s*\d+\s*条/);
  const match = (await pager.innerText()).match(/共\s*(\d+)\s*条/);
  return match ? Number(match[1]) : -1; // -1: the counts were refreshing again; callers poll
}

/** Picks an option of an antd Select by its visible text and closes the dropdown. */
/** The total once it passes `accept`: right after a click or a write the previous answer can still be on screen. */
async function totalWhen(page: Page, accept: (total: number) => boolean): Promise<number> {
  let total = -1;
  await expect
    .poll(async () => {
      total = await settled(page);
      return accept(total);
    })
    .toBe(true);
  return total;
}

async function expectTotal(page: Page, expected: number): Promise<void> {
  await totalWhen(page, (total) => total === expected);
}

async function choose(page: Page, select: Locator, option: string | RegExp): Promise<void> {
  await select.click();
  await page.locator(".ant-select-dropdown:visible .ant-select-item-option", { hasText: option }).first().click();
  await page.keyboard.press("Escape");
}

async function firstOptionOf(page: Page, select: Locator): Promise<string> {
  await select.click();
  const option = page.locator(".ant-select-dropdown:visible .ant-select-item-option").first();
  const text = (await option.innerText()).replace(/\s*\(\d+\)$/, "");
  await option.click();
  await page.keyboard.press("Escape");
  return text;
}

async function openBoard(page: Page, account = demoAdmin): Promise<number> {
  await logIn(page, account);
  await expect(rows(page).first()).toBeVisible();
  return settled(page);
}

/** A small CSV reader (quoted fields with commas, quotes and newlines), enough to check an export. */
function parseCsv(text: string): string[][] {
  const out: string[][] = [];
  let row: string[] = [];
  let field = "";
  let quoted = false;
  const endField = () => {
    row.push(field);
    field = "";
  };
  const endRow = () => {
    endField();
    out.push(row);
    row = [];
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") endField();
    else if (c === "\n" || c === "\r") {
      if (c === "\r" && text[i + 1] === "\n") i++;
      endRow();
    } else field += c;
  }
  if (field || row.length) endRow();
  return out;
}

test("the board switches tabs and filters by error type, platform and shop, strategy and time, all in the URL", async ({ page }) => {
  const openErrors = await openBoard(page);
  expect(openErrors).toBeGreaterThan(50);
  await expect(page.getByRole("tab", { name: /错误/ })).toContainText(String(openErrors));
  await expect(page.getByRole("img", { name: "近 7 天新增错误" })).toBeVisible(); // the trend chart
  await screenshot(page, "30-board");

  // Warning tab.
  await page.getByRole("tab", { name: /警告/ }).click();
  await expect(page).toHaveURL(/[?&]severity=warning/);
  await totalWhen(page, (n) => n < openErrors);
  for (const text of await rows(page).allInnerTexts()) expect(text).toMatch(/MEDIA_QUALITY|PLATFORM_STATE_DELAYED|APPROVAL_PENDING/);
  await page.goBack();
  await expect(page).not.toHaveURL(/severity=/);
  await expectTotal(page, openErrors);

  // Error type.
  const typeTitle = await firstOptionOf(page, page.getByRole("combobox", { name: "错误类型" }));
  await expect(page).toHaveURL(/[?&]error_type=[A-Z_]+/);
  await totalWhen(page, (n) => n < openErrors);
  for (const text of await rows(page).allInnerTexts()) expect(text).toContain(typeTitle);
  await page.goBack();
  await expect(page).not.toHaveURL(/error_type=/);

  // Platform, then one shop of it.
  await choose(page, page.getByRole("combobox", { name: "平台" }), "Lazada");
  await expect(page).toHaveURL(/[?&]platform=lazada/);
  const lazada = await totalWhen(page, (n) => n < openErrors);
  for (const text of await rows(page).allInnerTexts()) expect(text).toContain("Lazada");
  await choose(page, page.getByRole("combobox", { name: "店铺" }), "Lazada TH");
  await expect(page).toHaveURL(/[?&]shop_id=[0-9a-f-]{36}/);
  await totalWhen(page, (n) => n < lazada);
  for (const text of await rows(page).allInnerTexts()) expect(text).toContain("Lazada TH");
  await page.goto("/");
  await settled(page);

  // Strategy (the options are the strategies seen in the current rows).
  const strategy = await firstOptionOf(page, page.getByRole("combobox", { name: "策略" }));
  expect(strategy).toMatch(/Everyday pricing|Mega sale pricing|Stock sync|New listings|Flash sale/);
  await expect(page).toHaveURL(/[?&]strategy_id=[0-9a-f-]{36}/);
  await totalWhen(page, (n) => n > 0 && n < openErrors);

  // Time range: today only. The workers produced every group today; a day before it holds none.
  await page.goto("/");
  await settled(page);
  await page.getByTestId("filter-range").first().click();
  await page.locator(".ant-picker-presets").getByText("今天").click();
  // Days are the tenant's (the demo's zone is Asia/Shanghai), whatever the browser's zone and the hour.
  const today = new Date();
  const ymd = (d: Date) => new Intl.DateTimeFormat("en-CA", { timeZone: "Asia/Shanghai" }).format(d);
  const day = ymd(today);
  await expect(page).toHaveURL(new RegExp(`since=${day}&until=${day}`));
  const todays = await totalWhen(page, (n) => n === openErrors);
  for (const text of await rows(page).allInnerTexts()) expect(text).toContain(day);
  const yesterday = ymd(new Date(today.getTime() - 24 * 3600 * 1000));
  await page.goto(`/?since=${yesterday}&until=${yesterday}`);
  await expectTotal(page, 0);
  await expect(page.getByText("当前筛选下没有错误")).toBeVisible();

  // A shared link opens the same board.
  await page.goto(`/?since=${day}&until=${day}`);
  const link = page.url();
  await page.goto("/");
  await page.goto(link);
  await expectTotal(page, todays);
});

test("a row opens from the keyboard into a linkable drawer with its trace, and Esc closes it", async ({ page }) => {
  await openBoard(page);
  // An Amazon gift card whose sale price the platform refused: its trace is the listing PATCH and Amazon's answer.
  await page.goto("/?platform=amazon&q=SANDBOX_PROMO_PRICE_NOT_ALLOWED");
  await totalWhen(page, (n) => n > 0);
  const first = rows(page).first();
  const sku = (await first.locator("td").nth(1).innerText()).trim();
  await first.focus();
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(/[?&]group=[0-9a-f-]{36}/);

  const drawer = page.getByTestId("error-detail");
  await expect(drawer).toContainText(sku);
  await expect(drawer.getByText("处理建议")).toBeVisible();
  const trace = drawer.getByTestId("trace-panel");
  await expect(trace).toBeVisible();
  // Request and response side by side, JSON pretty-printed: the price patch sent, the sandbox's refusal.
  const request = trace.getByTestId("trace-request-body");
  await expect(request).toContainText('"productType": "GIFT_CARD"');
  expect(await request.innerText()).toContain('\n  "patches": [');
  await expect(request).toContainText('"path": "/attributes/purchasable_offer"');
  const response = trace.getByTestId("trace-response-body");
  await expect(response).toContainText('"status": "INVALID"');
  await expect(response).toContainText('"code": "SANDBOX_PROMO_PRICE_NOT_ALLOWED"');
  await expect(response).toContainText('"message":');
  await expect(drawer.getByTestId("seller-centre-link")).toHaveAttribute("href", /^https:\/\/(seller|sellercentral|sellercenter|banhang)/);
  await expect(drawer.getByTestId("activity")).toContainText("发生");
  // The push it came from: its task and strategy, and the strategy's config since that run.
  await expect(drawer.getByTestId("drawer-task-link")).toHaveAttribute("href", /^\/tasks\/[0-9a-f-]{36}$/);
  await expect(drawer.getByTestId("drawer-strategy-link")).toHaveAttribute("href", /^\/strategies\?strategy=[0-9a-f-]{36}$/);
  await expect(drawer.getByTestId("snapshot-diff")).toBeVisible();
  await screenshot(page, "31-board-drawer");

  // The URL is the drawer: reloading it opens the same row.
  await page.reload();
  await expect(page.getByTestId("error-detail")).toContainText(sku);

  await page.keyboard.press("Escape");
  await expect(page.getByTestId("error-detail")).toBeHidden();
  await expect(page).not.toHaveURL(/group=/);
});

test("marking a row handled takes it off the open view and shows who, when and how under handled", async ({ page }) => {
  const before = await openBoard(page);
  await rows(page).first().click();
  const drawer = page.getByTestId("error-detail");
  await expect(drawer).toBeVisible();
  const groupId = new URL(page.url()).searchParams.get("group")!;
  const sku = (await drawer.locator(".ant-descriptions-item-content").first().innerText()).trim();

  await drawer.getByRole("button", { name: "标记已处理" }).click();
  const dialog = page.getByRole("dialog", { name: "标记已处理" });
  await dialog.getByRole("radio", { name: /平台侧问题/ }).check();
  await dialog.getByRole("textbox", { name: "备注" }).fill("Lazada 接口恢复后重推成功");
  await screenshot(page, "32-board-handle-dialog");
  await dialog.getByRole("button", { name: "标记已处理" }).click();
  await expect(page.getByText("已标记为已处理")).toBeVisible();
  await expect(drawer).toContainText("已处理");
  await expect(drawer.getByTestId("activity")).toContainText("Lazada 接口恢复后重推成功");
  await expect(dialog).toBeHidden(); // Esc during the dialog's closing animation belongs to the dialog

  await page.keyboard.press("Escape");
  await expectTotal(page, before - 1);
  await expect(page.locator(`[data-row-key="${groupId}"]`)).toHaveCount(0);

  await choose(page, page.getByRole("combobox", { name: "状态" }), "已处理");
  await expect(page).toHaveURL(/[?&]status=handled/);
  const search = page.getByPlaceholder("SKU、报错信息、平台错误码或 trace id");
  await search.fill(sku);
  await search.press("Enter");
  await expect(page).toHaveURL(new RegExp(`status=handled.*q=${sku}`));
  await settled(page);
  const handled = page.locator(`[data-row-key="${groupId}"]`);
  await expect(handled.getByTestId("handled-by")).toContainText("演示管理员");
  await expect(handled.getByTestId("handled-by")).toContainText("平台侧问题");
  await screenshot(page, "33-board-handled");
});

test("bulk actions: assign two selected rows, then mark handled every row matching a filter", async ({ page }) => {
  await openBoard(page);
  await rows(page).nth(0).getByRole("checkbox").check();
  await rows(page).nth(1).getByRole("checkbox").check();
  const bar = page.getByTestId("bulk-actions");
  await expect(bar).toContainText("已选 2 条");
  await bar.getByRole("button", { name: "指派" }).click();
  await page.getByRole("menuitem", { name: "指派给我" }).click();
  await expect(page.getByText("已更新 2 条")).toBeVisible();
  await page.getByTestId("filter-mine").click();
  await expect(page).toHaveURL(/[?&]assignee=me/);
  await totalWhen(page, (n) => n >= 2);

  // Everything open on the Shopee shops: select the page, then all matching the filter.
  await page.goto("/?platform=shopee");
  const shopee = await settled(page);
  expect(shopee).toBeGreaterThan(0);
  await page.locator(".ant-table-thead .ant-checkbox-input").check();
  if (shopee > (await rows(page).count())) {
    await page.getByTestId("select-all-matching").click();
    await expect(bar).toContainText(`符合当前筛选的全部 ${shopee} 条`);
  }
  await bar.getByRole("button", { name: "标记已处理" }).click();
  const dialog = page.getByRole("dialog", { name: "标记已处理" });
  await expect(dialog).toContainText(`将 ${shopee} 条标记为已处理`);
  await dialog.getByRole("radio", { name: /已重新推送/ }).check();
  await dialog.getByRole("button", { name: "标记已处理" }).click();
  await expect(page.getByText(`已更新 ${shopee} 条`)).toBeVisible();
  await expectTotal(page, 0);
  await expect(page.getByText("当前筛选下没有错误")).toBeVisible();
});

test("Export CSV downloads exactly the current filter, Excel-ready", async ({ page }) => {
  await openBoard(page);
  await page.goto("/?platform=amazon&severity=error");
  const total = await settled(page);
  const download = page.waitForEvent("download");
  await page.getByTestId("export-csv").click();
  const file = await download;
  expect(file.suggestedFilename()).toMatch(/\.csv$/);
  const bytes = readFileSync((await file.path())!);
  expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]); // UTF-8 BOM for Excel
  const table = parseCsv(bytes.subarray(3).toString("utf8")).filter((r) => r.length > 1);
  const [header, ...body] = table;
  for (const column of ["trace_id", "platform", "shop", "error_type", "severity", "sku", "platform_error_message", "status"]) {
    expect(header).toContain(column);
  }
  expect(body).toHaveLength(total);
  const platform = header!.indexOf("platform");
  const severity = header!.indexOf("severity");
  for (const row of body) {
    expect(row[platform]).toBe("amazon");
    expect(row[severity]).toBe("error");
  }
});

test("saved views: save the current filters, apply them from the menu, make one the team default", async ({ page }) => {
  await openBoard(page);
  await page.goto("/?platform=tiktok");
  const tiktok = await settled(page);
  await page.getByTestId("views-menu").click();
  await page.getByRole("menuitem", { name: "保存当前筛选…" }).click();
  const dialog = page.getByRole("dialog", { name: "保存当前筛选…" });
  await dialog.getByLabel("视图名称").fill("TikTok 全部错误");
  await dialog.getByRole("checkbox", { name: "与团队共享" }).check();
  await dialog.getByRole("button", { name: /保\s*存/ }).click();
  await expect(page.getByText("视图已保存")).toBeVisible();
  await expect(page).toHaveURL(/view=[0-9a-f-]{36}/);

  await page.goto("/");
  await settled(page);
  await page.getByTestId("views-menu").click();
  await page.getByRole("menuitem", { name: "TikTok 全部错误" }).click();
  await expect(page).toHaveURL(/platform=tiktok/);
  await expectTotal(page, tiktok);

  await page.getByTestId("views-menu").click();
  await page.getByRole("menuitem", { name: "设为默认视图" }).click();
  await expect(page.getByText("已设为默认视图")).toBeVisible();
  // A bare board now opens on the default view.
  await page.goto("/");
  await expect(page).toHaveURL(/platform=tiktok.*view=/);

  await page.getByTestId("views-menu").click();
  await page.getByRole("menuitem", { name: /删除视图/ }).click();
  await expect(page.getByText("视图已删除")).toBeVisible();
});

test("the board speaks English after the language switch", async ({ page }) => {
  await openBoard(page);
  await page.getByRole("button", { name: "切换为英文" }).click();
  await expect(page.getByRole("tab", { name: /Errors/ })).toBeVisible();
  await expect(page.getByRole("tab", { name: /Warnings/ })).toBeVisible();
  await expect(page.getByRole("columnheader", { name: "Platform code and message" })).toBeVisible();
  await expect(page.getByTestId("export-csv")).toHaveText(/Export CSV/);
  // Titles and suggestions come from the API in the asked language.
  await expect(rows(page).first().getByTestId("row-title")).not.toContainText(/[\u4e00-\u9fff]/);
  await page.waitForLoadState("networkidle");
  await screenshot(page, "34-board-en");
  await page.getByRole("button", { name: "Switch to Chinese" }).click();
  await expect(page.getByRole("tab", { name: /错误/ })).toBeVisible();
});

test("a viewer reads the board and its drawer but gets no action buttons", async ({ page }) => {
  await openBoard(page, demoViewer);
  await expect(page.getByTestId("user-menu")).toContainText("只读");
  await expect(page.getByRole("checkbox", { name: /^选择/ })).toHaveCount(0);
  await expect(page.getByRole("button", { name: "标记已处理" })).toHaveCount(0);
  await expect(page.getByTestId("bulk-actions")).toHaveCount(0);
  await page.getByTestId("views-menu").click();
  await expect(page.getByRole("menuitem", { name: "保存当前筛选…" })).toHaveCount(0);
  await page.keyboard.press("Escape");
  await screenshot(page, "35-board-viewer");

  await rows(page).first().click();
  const drawer = page.getByTestId("error-detail");
  await expect(drawer.getByTestId("trace-panel")).toBeVisible();
  for (const name of ["标记已处理", "暂缓", "重新打开", "添加置顶备注"]) {
    await expect(drawer.getByRole("button", { name })).toHaveCount(0);
  }
  await expect(drawer.getByTestId("assignee-select")).toHaveCount(0);
});
