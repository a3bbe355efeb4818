import { render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { MemoryRouter } from "react-router-dom";

import { AppProviders } from "../../app/AppProviders";
import { setLanguage } from "../../app/language";
import { json, problem, stubFetch } from "../../test/fetch";
import type { ErrorGroupDetail } from "./hooks";
import { RetryButton } from "./RetryButton";

const GROUP = { id: "g1", sku: "LUG-0012-GY", shop_name: "Amazon US 旗舰店", platform: "amazon", market: "US" } as ErrorGroupDetail;
const NEW_TASK = "ee9aee82-1e46-46f6-8b84-5cdc0c3ec52d";
const PREVIEW = {
  shop_id: "s1",
  sku: "LUG-0012-GY",
  operation: "price",
  value: { price: "75.99", currency: "USD", sale_price: null },
  binding: { platform_sku: "AMZ-US-00012", platform_item_id: "B0SBX00012", platform_variant_id: null },
  idempotency_key: "retry:4561a017:1",
};

function renderButton() {
  render(
    <AppProviders>
      <MemoryRouter>
        <RetryButton group={GROUP} />
      </MemoryRouter>
    </AppProviders>,
  );
}

beforeEach(() => setLanguage("zh-CN"));

describe("retry from the drawer", () => {
  it("shows what a dry run says would be sent, then starts the retry and links its task", { timeout: 20_000 }, async () => {
    const sent = stubFetch(async (request) => {
      const { dry_run: dryRun } = JSON.parse(await request.text()) as { dry_run: boolean };
      return json({ ...PREVIEW, dry_run: dryRun, task_id: dryRun ? null : NEW_TASK });
    });
    renderButton();

    await userEvent.click(screen.getByRole("button", { name: /重\s*试/ }));
    const preview = await screen.findByTestId("retry-preview");
    expect(preview).toHaveTextContent("Amazon US 旗舰店");
    expect(within(preview).getByTestId("retry-value")).toHaveTextContent("75.99 USD");
    expect(preview).toHaveTextContent("B0SBX00012");
    expect(preview).not.toHaveTextContent("platform_variant_id"); // an empty id is not listed
    await userEvent.click(screen.getByRole("button", { name: "确认推送" }));

    expect(await screen.findByTestId("retry-task-link")).toHaveAttribute("href", `/tasks/${NEW_TASK}`);
    expect(sent.map((r) => JSON.parse(r.body))).toEqual([{ dry_run: true }, { dry_run: false }]);
    expect(new URL(sent[0]!.url).pathname).toBe("/v1/errors/g1/retry");
  });

  it("says why a retry is refused, in the UI's language, with the API's words and the retry that runs", { timeout: 20_000 }, async () => {
    setLanguage("en");
    stubFetch(() =>
      problem(409, { title: "Conflict", code: "conflict", detail: `a retry of this SKU is already running (task ${NEW_TASK}); wait for its outcome` }),
    );
    renderButton();

    await userEvent.click(screen.getByRole("button", { name: /Retry/ }));
    const refusal = await screen.findByTestId("retry-refusal");
    expect(refusal).toHaveTextContent("A retry of this SKU is already running: wait for its outcome.");
    expect(refusal).toHaveTextContent("Conflict: a retry of this SKU is already running");
    expect(within(refusal).getByRole("link", { name: "Open the retry that is running" })).toHaveAttribute("href", `/tasks/${NEW_TASK}`);
    expect(screen.queryByTestId("retry-preview")).not.toBeInTheDocument();
  });
});
