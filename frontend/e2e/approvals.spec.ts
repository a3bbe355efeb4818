import type { Page } from "@playwright/test";

import { expect, logIn, screenshot, test } from "./fixtures";

// Approvals on the demo tenant: its flash sale cuts two Shopee PH prices by 40 % against the price the workers
// applied there, over the policy's 30 %, so both pushes wait here (nothing in this story writes rows itself).
const demoAdmin = { email: process.env.E2E_DEMO_ADMIN_EMAIL!, password: process.env.E2E_DEMO_ADMIN_PASSWORD! };
const demoViewer = { email: process.env.E2E_DEMO_VIEWER_EMAIL!, password: process.env.E2E_DEMO_VIEWER_PASSWORD! };

test.describe.configure({ timeout: 120_000 });

const rows = (page: Page) => page.getByTestId("approval-row");

/** The approvals page once the workers have held the flash sale's cuts (the page polls; a reload is quicker). */
async function openPending(page: Page, atLeast: number): Promise<void> {
  await page.goto("/approvals");
  await expect
    .poll(
      async () => {
        await page.reload();
        await expect(page.getByTestId("approvals-table")).toBeVisible();
        await page.waitForLoadState("networkidle");
        return rows(page).count();
      },
      { timeout: 60_000, intervals: [2_000] },
    )
    .toBeGreaterThanOrEqual(atLeast);
}

/** Approves or rejects the first pending row with a note; returns its SKU once it has left the pending list. */
async function decideFirst(page: Page, decision: RegExp, note: string): Promise<string> {
  const row = rows(page).first();
  const sku = (await row.getByTestId("approval-sku").innerText()).trim();
  await row.getByRole("button", { name: decision }).click();
  const dialog = page.getByRole("dialog");
  await expect(dialog).toContainText(sku);
  await dialog.getByLabel("审批备注").fill(note);
  await dialog.getByRole("button", { name: decision }).click();
  await expect(page.getByText(new RegExp(`已(批准|驳回) ${sku}`))).toBeVisible();
  await expect(rows(page).filter({ hasText: sku })).toHaveCount(0);
  return sku;
}

test("a viewer sees the held pushes read-only", async ({ page }) => {
  await logIn(page, demoViewer);
  await openPending(page, 1);
  await expect(page.getByText("只有运营和管理员可以审批，你可以查看。")).toBeVisible();
  await expect(rows(page).first()).toContainText("待审批");
  await expect(page.getByRole("button", { name: /批\s*准/ })).toHaveCount(0);
});

test("an operator approves one held price cut with a note, rejects another, and finds both decided", async ({ page }) => {
  await logIn(page, demoAdmin);
  // The held cuts are warnings on the board meanwhile, waiting (their SLA clock paused), not open errors.
  await page.goto("/?severity=warning&error_type=APPROVAL_PENDING");
  await expect(page.getByTestId("status-waiting").first()).toBeVisible();
  await screenshot(page, "59-board-waiting");
  // A held push's row leads to the approvals screen (there is nothing to retry: it did not fail).
  await page.getByTestId("board-row").first().click();
  await page.getByTestId("error-drawer").getByTestId("drawer-approvals-link").click();
  await expect(page).toHaveURL(/\/approvals$/);

  await openPending(page, 2);
  const first = rows(page).first();
  await expect(first.getByTestId("held-change")).toContainText(/价格.*→.*PHP.*-\d+(\.\d)? %/);
  await expect(first.getByTestId("held-by")).toContainText(/降价 [\d.]+%，超过策略的审批上限 30%/);
  await expect(first.getByTestId("approval-strategy")).toHaveText("限时秒杀 Flash sale");
  await expect(first.getByTestId("approval-task")).toHaveAttribute("href", /^\/tasks\/[0-9a-f-]{36}$/);
  await screenshot(page, "60-approvals-pending");

  const pending = await rows(page).count();
  const approved = await decideFirst(page, /批\s*准/, "双十二活动价，运营已确认");
  await expect(rows(page)).toHaveCount(pending - 1);
  const rejected = await decideFirst(page, /驳\s*回/, "折扣过大，等促销方案");
  await expect(rows(page)).toHaveCount(pending - 2);

  const decided = (await (await page.request.get("/v1/approvals?status=approved")).json()) as {
    items: { sku: string; task_id: string; push_action_id: string }[];
  };
  const held = decided.items.find((item) => item.sku === approved)!;
  await page.getByTestId("approvals-tab-approved").click();
  const approvedRow = rows(page).filter({ hasText: approved });
  await expect(approvedRow.getByTestId("decision")).toContainText("已批准");
  await expect(approvedRow.getByTestId("decision")).toContainText("双十二活动价，运营已确认");
  await expect(approvedRow.getByTestId("decision")).toContainText("演示管理员");
  await expect(approvedRow.getByTestId("approval-task")).toHaveAttribute("href", `/tasks/${held.task_id}`);
  await screenshot(page, "61-approvals-approved");

  // The approved cut is pushed by the workers: its action leaves awaiting approval on its task.
  await expect
    .poll(
      async () => {
        const answer = await page.request.get(`/v1/tasks/${held.task_id}/actions?limit=200`);
        const actions = (await answer.json()) as { items: { id: string; status: string }[] };
        return actions.items.find((action) => action.id === held.push_action_id)?.status;
      },
      { timeout: 60_000 },
    )
    .not.toMatch(/awaiting_approval|pending|sending/);

  await page.getByTestId("approvals-tab-rejected").click();
  await expect(rows(page).filter({ hasText: rejected }).getByTestId("decision")).toContainText("折扣过大，等促销方案");
  await page.getByRole("button", { name: "切换为英文" }).click();
  await expect(page.getByTestId("approvals-tab-rejected")).toHaveText("Rejected");
  await expect(rows(page).filter({ hasText: rejected })).toContainText("Price cut of");
  await screenshot(page, "62-approvals-rejected-en");
  await page.getByRole("button", { name: "Switch to Chinese" }).click();

  // Both decisions handled the SKUs' waiting warnings: none is left open on the board.
  await page.goto("/?severity=warning&error_type=APPROVAL_PENDING");
  await expect(page.getByTestId("board")).toHaveAttribute("aria-busy", "false");
  await expect(page.getByTestId("status-waiting")).toHaveCount(0);
});
