import type { APIRequestContext, Locator, Page } from "@playwright/test";

import { choose, expect, logIn, screenshot, test } from "./fixtures";

// Task history on the demo tenant: `openclaw seed-demo` starts its strategies and the workers push every action to
// the sandbox, so each task, action and trace here comes from a real run (found through the UI, never by fixed ids).
const demoAdmin = { email: process.env.E2E_DEMO_ADMIN_EMAIL!, password: process.env.E2E_DEMO_ADMIN_PASSWORD! };
const STOCK_SYNC = "ERP 库存同步 Stock sync";

test.describe.configure({ timeout: 120_000 });

const rows = (page: Page) => page.getByTestId("task-row");

/** A task's count tags, by key ("planned", "applied", ...): the number each tag ends with. */
async function countsOf(scope: Locator): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const tag of await scope.getByTestId("task-counts").locator("[data-count]").all()) {
    counts[(await tag.getAttribute("data-count"))!] = Number((await tag.innerText()).match(/(\d+)\s*$/)![1]);
  }
  return counts;
}

/** Raises the strategy's safety stock by one, through the API as the strategies screen saves it (a full
 * replacement): a teammate's change since the run, which the run's config diff against "now" must show. */
async function raiseSafetyStock(request: APIRequestContext, strategyId: string): Promise<[number, number]> {
  const strategy = (await (await request.get(`/v1/strategies/${strategyId}`)).json()) as Record<string, unknown> & {
    config: { safety_stock: number };
  };
  const { name, kind, shop_ids, sku_filter, schedule, monitoring_enabled, is_active, approval_policy, config } = strategy;
  const raised = config.safety_stock + 1;
  const saved = await request.put(`/v1/strategies/${strategyId}`, {
    data: { name, kind, shop_ids, sku_filter, schedule, monitoring_enabled, is_active, approval_policy, config: { ...config, safety_stock: raised } },
  });
  expect(saved.ok(), await saved.text()).toBe(true);
  return [config.safety_stock, raised];
}

test("an operator filters the runs of a strategy, opens one, reads its counts and actions, follows a trace and diffs its config", async ({ page }) => {
  await logIn(page, demoAdmin);
  await page.getByRole("navigation", { name: "主导航" }).getByRole("menuitem", { name: "任务" }).click();
  await expect(page).toHaveURL(/\/tasks$/);
  await expect(rows(page).first()).toBeVisible();

  // The strategy filter lives in the URL, and every run listed is that strategy's.
  await choose(page, page.getByRole("combobox", { name: "策略" }), STOCK_SYNC);
  await expect(page).toHaveURL(/\/tasks\?strategy_id=[0-9a-f-]{36}$/);
  const strategyId = new URL(page.url()).searchParams.get("strategy_id")!;
  // Retried until the filtered list has replaced the whole one (its first row may be a stock sync too).
  await expect(rows(page).first()).toContainText(STOCK_SYNC);
  await expect(rows(page).filter({ hasNotText: STOCK_SYNC })).toHaveCount(0);
  // A strategy run (the retry story may have added a manual retry of this strategy's push on top).
  const run = rows(page).filter({ hasText: "策略" }).filter({ hasNotText: "手动" }).first();
  await expect(run).toContainText("演示管理员"); // the seed started it as the demo's admin
  await page.waitForLoadState("networkidle");
  await screenshot(page, "70-tasks");

  // A run opens at an address of its own, on the same page with the filter kept.
  await run.getByTestId("task-open").click();
  await expect(page).toHaveURL(new RegExp(`/tasks/[0-9a-f-]{36}\\?strategy_id=${strategyId}$`));
  const taskUrl = page.url();
  const drawer = page.getByTestId("task-drawer");
  await expect(drawer.getByTestId("task-strategy-link")).toHaveText(STOCK_SYNC);

  // Its counts add up: every planned action is applied, failed, waiting, rejected or still in flight.
  const counts = await countsOf(drawer.getByTestId("task-detail"));
  const { planned, ...outcomes } = counts;
  expect(Object.keys(outcomes).sort()).toEqual(
    ["applied", "awaiting_approval", "awaiting_confirmation", "failed", "in_flight", "rejected"].sort(),
  );
  expect(planned).toBeGreaterThan(0);
  expect(Object.values(outcomes).reduce((sum, n) => sum + n, 0)).toBe(planned);

  // Its actions: SKU, shop, operation, value, status, attempts; a sent one links to the trace of its call.
  const actions = drawer.getByTestId("action-row");
  await expect(actions.first()).toBeVisible();
  await expect(actions.first()).toContainText(/库存 \d+/);
  await page.waitForLoadState("networkidle");
  await screenshot(page, "71-task-drawer", { fullPage: false });

  // The failed ones alone, by the action status filter.
  const failed = counts.failed ?? 0;
  if (failed > 0) {
    await choose(page, drawer.getByRole("combobox", { name: "状态" }), "失败");
    await expect(actions.first()).toContainText("失败");
    await expect(actions).toHaveCount(Math.min(failed, 50));
  }

  const traceLink = drawer.getByTestId("action-trace-link").first();
  const traceHref = (await traceLink.getAttribute("href"))!;
  expect(traceHref).toMatch(/^\/traces\/.+/);
  await traceLink.click();
  await expect(page).toHaveURL(new RegExp(`${traceHref}$`));
  await expect(page.getByText(`调用详情 ${decodeURIComponent(traceHref.slice("/traces/".length))}`)).toBeVisible();
  await expect(page.getByTestId("trace-attempt").first()).toBeVisible();
  await page.goBack();
  await expect(page).toHaveURL(taskUrl);

  // The config it ran with, and how the strategy's config now differs: a teammate has raised the safety stock.
  await drawer.getByRole("tab", { name: "配置快照" }).click();
  await expect(drawer.getByTestId("task-snapshot")).toContainText('"safety_stock"');
  const [before, after] = await raiseSafetyStock(page.request, strategyId);
  await drawer.getByRole("tab", { name: "配置差异" }).click();
  const diff = drawer.getByTestId("task-diff");
  await expect(diff.getByTestId("task-diff-against")).toContainText("策略当前配置");
  const changed = diff.getByTestId("audit-diff").getByRole("row", { name: /config\.safety_stock/ });
  await expect(changed).toContainText(String(before));
  await expect(changed).toContainText(String(after));
  await expect(changed).toContainText("修改");
  await page.waitForLoadState("networkidle");
  await screenshot(page, "72-task-diff", { fullPage: false });

  // Closing the drawer goes back to the filtered list.
  await drawer.getByRole("button", { name: "关闭任务详情" }).click();
  await expect(page).toHaveURL(new RegExp(`/tasks\\?strategy_id=${strategyId}$`));
});

test("the task screen speaks English", async ({ page }) => {
  await logIn(page, demoAdmin);
  await page.getByRole("button", { name: "切换为英文" }).click();
  await page.goto("/tasks");
  await expect(page.getByRole("heading", { level: 4, name: "Tasks" })).toBeVisible();
  await expect(page.getByRole("columnheader", { name: "Started by" })).toBeVisible();
  await expect(rows(page).first()).toContainText(/Planned \d+/);
  await page.waitForLoadState("networkidle");
  await screenshot(page, "73-tasks-en");
  await rows(page).first().getByTestId("task-open").click();
  const drawer = page.getByTestId("task-drawer");
  await expect(drawer.getByRole("tab", { name: "Push actions" })).toBeVisible();
  await expect(drawer.getByTestId("task-counts").locator('[data-count="planned"]')).toContainText(/Planned \d+/);
  await expect(drawer.getByTestId("action-row").first()).toBeVisible();
  await page.waitForLoadState("networkidle");
  await screenshot(page, "74-task-en", { fullPage: false });
});
