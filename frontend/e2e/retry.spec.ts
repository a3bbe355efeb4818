import type { APIRequestContext } from "@playwright/test";

import { expect, logIn, screenshot, test } from "./fixtures";

// Retry from the board's drawer on the demo tenant, whose rows all come from the workers pushing to the sandbox.
// The rows are found through the API (the demo's ids change every run), never by fixed ids.
const demoAdmin = { email: process.env.E2E_DEMO_ADMIN_EMAIL!, password: process.env.E2E_DEMO_ADMIN_PASSWORD! };

test.describe.configure({ timeout: 120_000 });

interface Group {
  id: string;
  sku: string;
  status: string;
  strategy_id: string | null;
  strategy_name: string | null;
  latest_event: { task_id?: string | null };
}

/** A refusal this story asks for is answered 409, which the browser logs as a failed resource: not an app error. */
function forgive(consoleErrors: string[], status: number): void {
  const at = consoleErrors.findIndex((line) => line.includes(`status of ${status}`));
  if (at >= 0) consoleErrors.splice(at, 1);
}

async function groups(request: APIRequestContext, query: Record<string, string>): Promise<Group[]> {
  const answer = await request.get(`/v1/errors?${new URLSearchParams({ limit: "200", ...query })}`);
  expect(answer.ok()).toBe(true);
  return ((await answer.json()) as { items: Group[] }).items;
}

/** Changes the strategy after its run, through the API as the strategies screen saves it (a full replacement). */
async function raiseApprovalLimit(request: APIRequestContext, strategyId: string): Promise<void> {
  const strategy = (await (await request.get(`/v1/strategies/${strategyId}`)).json()) as Record<string, unknown> & {
    approval_policy: Record<string, unknown>;
  };
  const { name, kind, shop_ids, sku_filter, schedule, monitoring_enabled, is_active, config, approval_policy } = strategy;
  const body = { name, kind, shop_ids, sku_filter, schedule, monitoring_enabled, is_active, config };
  const saved = await request.put(`/v1/strategies/${strategyId}`, {
    data: { ...body, approval_policy: { ...approval_policy, max_price_cut_pct: 35 } },
  });
  expect(saved.ok(), await saved.text()).toBe(true);
}

/** An open error a strategy's push to the sandbox produced, which a dry run says can be retried now. */
async function retryableGroup(request: APIRequestContext): Promise<Group> {
  const candidates = (await groups(request, { severity: "error", status: "open" })).filter(
    (g) => g.strategy_id && g.latest_event.task_id,
  );
  for (const group of candidates) {
    const dryRun = await request.post(`/v1/errors/${group.id}/retry`, { data: { dry_run: true } });
    if (dryRun.ok()) return group;
  }
  throw new Error(`none of ${candidates.length} strategy errors on the demo board can be retried`);
}

test("an operator opens a failed push, sees its task, strategy and config diff, previews the retry and lands on the new task", async ({ page, consoleErrors }) => {
  await logIn(page, demoAdmin);
  const group = await retryableGroup(page.request);
  const taskId = group.latest_event.task_id!;
  await raiseApprovalLimit(page.request, group.strategy_id!);

  await page.goto(`/?group=${group.id}`);
  const drawer = page.getByTestId("error-drawer");
  const section = drawer.getByTestId("task-strategy");
  await expect(section.getByTestId("drawer-task-link")).toHaveAttribute("href", `/tasks/${taskId}`);
  await expect(section.getByTestId("drawer-strategy-link")).toHaveAttribute("href", `/strategies?strategy=${group.strategy_id}`);
  await expect(section.getByTestId("drawer-strategy-link")).toHaveText(group.strategy_name!);
  // The task's config snapshot against the strategy's config now: the approval limit changed since the run.
  const diffRow = section.getByTestId("snapshot-diff").getByRole("row", { name: /approval_policy\.max_price_cut_pct/ });
  await expect(diffRow).toContainText("30");
  await expect(diffRow).toContainText("35");

  await section.getByTestId("retry").click();
  const preview = page.getByRole("dialog").getByTestId("retry-preview");
  await expect(preview).toContainText(group.sku);
  await expect(preview.getByTestId("retry-value")).not.toBeEmpty();
  await expect(preview).toContainText(`retry:`);
  await screenshot(page, "63-retry-preview", { fullPage: false });

  await page.getByRole("dialog").getByRole("button", { name: "确认推送" }).click();
  await expect(section.getByText("重试任务已创建，workers 正在推送")).toBeVisible();
  const link = section.getByTestId("retry-task-link");
  const href = await link.getAttribute("href");
  expect(href).toMatch(/^\/tasks\/[0-9a-f-]{36}$/);
  expect(href).not.toBe(`/tasks/${taskId}`);

  await link.click();
  await expect(page).toHaveURL(new RegExp(`${href}$`));
  await page.waitForLoadState("networkidle");
  await screenshot(page, "65-retry-task", { fullPage: false });

  // While it is queued or running, a second retry is refused with the API's reason, in the UI's words.
  await page.goBack();
  const running = await page.request.post(`/v1/errors/${group.id}/retry`, { data: { dry_run: true } });
  if (running.status() === 409) {
    await section.getByTestId("retry").click();
    await expect(section.getByTestId("retry-refusal")).toContainText(/已有一次重试在运行|已处理或已归档/);
    forgive(consoleErrors, 409);
    await screenshot(page, "64-retry-refused", { fullPage: false });
  }

  // The strategy link opens that strategy's drawer on the strategies screen.
  await page.goto(`/?group=${group.id}`);
  await page.getByTestId("drawer-strategy-link").click();
  await expect(page).toHaveURL(new RegExp(`/strategies\\?strategy=${group.strategy_id}$`));
  await expect(page.getByTestId("strategy-drawer")).toContainText(group.strategy_name!);
});

test("a handled group is refused a retry with the reason, in English too", async ({ page, consoleErrors }) => {
  await logIn(page, demoAdmin);
  const handled = [
    ...(await groups(page.request, { severity: "error", status: "handled" })),
    ...(await groups(page.request, { severity: "warning", status: "handled" })),
  ].find((g) => g.latest_event.task_id);
  test.skip(!handled, "the demo board has no handled error with a task this run");

  await page.getByRole("button", { name: "切换为英文" }).click();
  await page.goto(`/?group=${handled!.id}&status=handled`);
  const section = page.getByTestId("task-strategy");
  await section.getByTestId("retry").click();
  await expect(section.getByTestId("retry-refusal")).toContainText("This error is handled or archived: reopen it to retry.");
  forgive(consoleErrors, 409);
  await screenshot(page, "66-retry-refused-en", { fullPage: false });
});
