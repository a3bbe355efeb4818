import type { Page } from "@playwright/test";

import { choose, expect, logIn, screenshot, test } from "./fixtures";

// The catalog of the demo tenant, as `openclaw seed-demo` writes it through the API: 12 shops, every product bound
// in each of them but the new arrivals 241 and 242, which are not yet bound on the two Thai shops (Shopee TH,
// Lazada TH), and the new listings, bound only on the platform they are published to.
const demoAdmin = { email: process.env.E2E_DEMO_ADMIN_EMAIL!, password: process.env.E2E_DEMO_ADMIN_PASSWORD! };
const NEW_ARRIVAL = "-0241-";

const unboundRows = (page: Page) => page.getByTestId("catalog-unbound").getByTestId("sku-row");
const boundRows = (page: Page) => page.getByTestId("catalog-bound").getByTestId("sku-row");

test("an operator finds the SKUs not bound in a shop first, then a SKU's bindings per shop", async ({ page }) => {
  await logIn(page, demoAdmin);
  await page.getByRole("navigation", { name: "主导航" }).getByRole("menuitem", { name: "商品目录" }).click();
  await expect(page).toHaveURL(/\/catalog$/);
  await expect(page.getByTestId("catalog-read-only")).toContainText("只读");
  await expect(page.getByTestId("catalog-read-only")).toContainText("SKU_MAPPING_FAILED");
  await expect(boundRows(page).first()).toBeVisible();

  // The SKUs a push to Shopee TH would fail on come first, marked unbound; the filter lives in the URL.
  await choose(page, page.getByRole("combobox", { name: "店铺" }), "Shopee TH");
  await expect(page).toHaveURL(/\/catalog\?shop_id=[0-9a-f-]{36}$/);
  await expect(page.getByText("在 Shopee TH 没有绑定的 SKU。")).toBeVisible();
  const newArrival = unboundRows(page).filter({ hasText: NEW_ARRIVAL });
  await expect(newArrival).toHaveCount(1);
  await expect(newArrival.getByTestId("sku-unbound")).toContainText("未绑定");
  await expect(newArrival.getByTestId("sku-unbound")).toContainText("Shopee TH");
  await expect(newArrival).toContainText("0 / 1 个店铺");
  await expect(boundRows(page).first()).toContainText("1 / 1 个店铺");
  await page.waitForLoadState("networkidle");
  await screenshot(page, "75-catalog-unbound");

  // Unbound only hides the bound ones.
  // The box follows the URL, which it sets (a click, then the URL and the box).
  await page.getByRole("checkbox", { name: "只看未绑定" }).click();
  await expect(page).toHaveURL(/unbound=true/);
  await expect(page.getByRole("checkbox", { name: "只看未绑定" })).toBeChecked();
  await expect(page.getByTestId("catalog-bound")).toHaveCount(0);
  await expect(unboundRows(page).first()).toBeVisible();

  // A SKU searched in every shop: bound in ten, named as unbound in the two Thai shops, its bindings a shop a row.
  await page.getByRole("button", { name: "清除筛选" }).click();
  await expect(page).toHaveURL(/\/catalog$/);
  await expect(page.getByRole("button", { name: "清除筛选" })).toHaveCount(0); // the screen has caught up with the URL
  await page.getByPlaceholder("搜索 SKU 或标题").fill(NEW_ARRIVAL);
  await page.getByPlaceholder("搜索 SKU 或标题").press("Enter");
  await expect(page).toHaveURL(new RegExp(`\\?q=${NEW_ARRIVAL}$`));
  await expect(boundRows(page)).toHaveCount(1);
  const row = boundRows(page).first();
  await expect(row).toContainText("10 / 12 个店铺");
  await expect(row.getByTestId("sku-unbound")).toContainText("Shopee TH");
  await expect(row.getByTestId("sku-unbound")).toContainText("Lazada TH");
  await row.click();
  const bindings = page.getByTestId("sku-bindings").getByTestId("binding-row");
  await expect(bindings).toHaveCount(10);
  await expect(bindings.filter({ hasText: "Shopee TH" })).toHaveCount(0);
  await expect(bindings.filter({ hasText: "Amazon US 旗舰店" })).toContainText(/ASIN \S+/);
  await expect(bindings.filter({ hasText: "Shopee MY" })).toContainText(/item_id \S+ · model_id \S+/);
  await page.waitForLoadState("networkidle");
  await screenshot(page, "76-catalog-sku");
});

test("the catalog speaks English", async ({ page }) => {
  await logIn(page, demoAdmin);
  await page.getByRole("button", { name: "切换为英文" }).click();
  await page.goto(`/catalog?q=${NEW_ARRIVAL}`);
  await expect(page.getByRole("heading", { level: 4, name: "Catalog" })).toBeVisible();
  await expect(page.getByTestId("catalog-read-only")).toContainText("Read-only");
  await expect(page.getByRole("heading", { name: "Unbound SKUs" })).toBeVisible();
  await expect(boundRows(page).first()).toContainText("10 of 12 shops");
  await boundRows(page).first().click();
  await expect(page.getByRole("columnheader", { name: "Platform item / variant id" })).toBeVisible();
  await page.waitForLoadState("networkidle");
  await screenshot(page, "77-catalog-en");
});

test("a SKU's prices in every shop trace back to the tasks that pushed them", async ({ page }) => {
  await logIn(page, demoAdmin);
  await page.goto(`/catalog?q=${NEW_ARRIVAL}`);
  await boundRows(page).first().click();
  await page.getByTestId("sku-trace-link").click();
  await expect(page).toHaveURL(/[?&]trace=/);
  const trace = page.getByTestId("sku-trace");
  await expect(trace).toBeVisible();
  const shops = trace.getByTestId("trace-shop");
  await expect(shops).toHaveCount(12); // every active shop of the demo, bound or not
  await expect(shops.filter({ hasText: "未绑定" })).toHaveCount(2); // the two Thai shops
  await expect(page.getByTestId("trace-spread")).toBeVisible();
  // Each value pushed names its task: the link opens it.
  const taskLink = trace.getByTestId("trace-task").first();
  await expect(taskLink).toBeVisible();
  await page.waitForLoadState("networkidle");
  await screenshot(page, "78-catalog-trace", { fullPage: false });
  await taskLink.click();
  await expect(page).toHaveURL(/\/tasks\/[0-9a-f-]{36}$/);
  await expect(page.getByTestId("task-detail")).toBeVisible();
});
