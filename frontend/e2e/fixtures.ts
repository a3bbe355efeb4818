import { expect, type Locator, type Page, test as base } from "@playwright/test";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const screensDir = join(resolve(dirname(fileURLToPath(import.meta.url)), ".."), "test-output", "screens");

export interface Account {
  email: string;
  password: string;
}

export const admin: Account = { email: process.env.E2E_ADMIN_EMAIL!, password: process.env.E2E_ADMIN_PASSWORD! };
export const viewer: Account = { email: process.env.E2E_VIEWER_EMAIL!, password: process.env.E2E_VIEWER_PASSWORD! };

// The browser's own line for the expected 401 of /v1/me before signing in is not an app error.
const EXPECTED_CONSOLE = [/Failed to load resource: the server responded with a status of 401/];

/** Every story also checks that the page logged no console error. */
export const test = base.extend<{ consoleErrors: string[] }>({
  baseURL: process.env.E2E_BASE_URL,
  consoleErrors: [
    async ({ page }, use) => {
      const errors: string[] = [];
      page.on("console", (message) => {
        if (message.type() === "error" && !EXPECTED_CONSOLE.some((re) => re.test(message.text()))) {
          errors.push(message.text());
        }
      });
      page.on("pageerror", (error) => errors.push(error.message));
      await use(errors);
      expect(errors, "console errors").toEqual([]);
    },
    { auto: true },
  ],
});

export { expect };

export async function logIn(page: Page, account: Account): Promise<void> {
  await page.goto("/");
  await expect(page).toHaveURL(/\/login$/);
  await page.getByLabel("邮箱").fill(account.email);
  await page.getByLabel("密码").fill(account.password);
  await page.getByRole("button", { name: /登\s*录/ }).click();
  await expect(page.getByRole("navigation", { name: "主导航" })).toBeVisible();
}

/** `fullPage: false` keeps to the viewport: a drawer or dialog over a long page. */
export async function screenshot(page: Page, name: string, { fullPage = true } = {}): Promise<void> {
  await page.screenshot({ path: join(screensDir, `${name}.png`), fullPage, animations: "disabled" });
}

/** Picks an option of an antd Select by its visible text (the dropdown's items; its listbox options are virtual). */
export async function choose(page: Page, select: Locator, option: string | RegExp): Promise<void> {
  await select.click();
  await page.locator(".ant-select-dropdown:visible .ant-select-item-option", { hasText: option }).first().click();
}

/** No visible button in the screen's body but those of its search and filter bar (finding is not acting). Hidden
 * ones (antd's tab overflow menu) are not buttons a user meets. */
export async function expectNoActionButtons(page: Page): Promise<void> {
  const main = page.locator("main");
  await expect
    .poll(async () => (await main.locator("button:visible").count()) - (await main.locator("[role=search] button:visible").count()))
    .toBe(0);
}
