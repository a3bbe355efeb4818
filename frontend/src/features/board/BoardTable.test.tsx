import { render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { vi } from "vitest";

import { AppProviders } from "../../app/AppProviders";
import { setLanguage } from "../../app/language";
import { BoardTable } from "./BoardTable";
import { HandleDialog } from "./HandleDialog";
import type { ErrorGroup } from "./hooks";

function group(id: string, sku: string, change: Partial<ErrorGroup> = {}): ErrorGroup {
  return {
    id,
    status: "open",
    snoozed: false,
    snoozed_until: null,
    snoozed_until_count: null,
    severity: "error",
    error_type: "PRICE_NOT_EFFECTIVE",
    title: "价格未生效",
    suggestion: "检查促销活动",
    doc_url: "",
    platform: "shopee",
    shop_id: "s1",
    shop_name: "Shopee MY",
    market: "MY",
    strategy_id: null,
    strategy_name: null,
    sku,
    operation: "price",
    platform_error_code: "product.error_price_promotion",
    count: 3,
    first_seen: "2026-11-20T08:00:00Z",
    last_seen: "2026-11-21T08:00:00Z",
    regression_count: 0,
    regressed_at: null,
    latest_event: { id: 1, occurred_at: "2026-11-21T08:00:00Z", trace_id: "t1", platform_error_message: "Can not edit price during promotion." },
    assignee_id: null,
    assignee_name: null,
    handled_at: null,
    handled_by: null,
    handled_by_name: null,
    resolution: null,
    handled_note: null,
    pinned_note: null,
    ...change,
  };
}

function renderTable(rows: ErrorGroup[], selectable = true, pausedTypes?: Set<string>) {
  const onOpen = vi.fn();
  const onSelect = vi.fn();
  render(
    <AppProviders>
      <BoardTable
        rows={rows}
        loading={false}
        sort="last_seen"
        onSort={() => undefined}
        onOpen={onOpen}
        pausedTypes={pausedTypes}
        selectable={selectable}
        selectedIds={[]}
        onSelect={onSelect}
        page={1}
        hasPrevious={false}
        hasNext
        onPrevious={() => undefined}
        onNext={() => undefined}
        total={120}
      />
    </AppProviders>,
  );
  return { onOpen, onSelect };
}

beforeEach(() => setLanguage("zh-CN"));

describe("the board table", () => {
  it("reads an open row of a type whose SLA clock is paused as waiting, not as open", () => {
    renderTable(
      [group("g1", "SKU-1", { error_type: "APPROVAL_PENDING", severity: "warning" }), group("g2", "SKU-2")],
      true,
      new Set(["APPROVAL_PENDING", "PLATFORM_STATE_DELAYED"]),
    );
    const [waiting, late] = screen.getAllByTestId("board-row");
    expect(within(waiting!).getByText("等待中")).toBeInTheDocument();
    expect(within(waiting!).queryByText("待处理")).not.toBeInTheDocument();
    expect(within(late!).getByText("待处理")).toBeInTheDocument();
  });

  it("opens a row from the keyboard: rows are focusable and Enter opens the drawer", async () => {
    const { onOpen } = renderTable([group("g1", "SKU-1"), group("g2", "SKU-2")]);
    const rows = screen.getAllByTestId("board-row");
    rows[1]!.focus();
    await userEvent.keyboard("{Enter}");
    expect(onOpen).toHaveBeenCalledWith("g2");
  });

  it("selects a row with its checkbox without opening it", async () => {
    const { onOpen, onSelect } = renderTable([group("g1", "SKU-1")]);
    await userEvent.click(screen.getByRole("checkbox", { name: "选择 SKU-1" }));
    expect(onSelect).toHaveBeenCalledWith(["g1"]);
    expect(onOpen).not.toHaveBeenCalled();
  });

  it("offers no selection to a viewer", () => {
    renderTable([group("g1", "SKU-1")], false);
    expect(screen.queryByRole("checkbox")).toBeNull();
  });

  it("shows who handled a row, when and how", () => {
    renderTable([
      group("g1", "SKU-1", {
        status: "handled",
        handled_by: "user:u1",
        handled_by_name: "王小明",
        handled_at: "2026-11-22T03:04:00Z",
        resolution: "platform_side",
      }),
    ]);
    const status = within(screen.getByTestId("board-row")).getByTestId("handled-by");
    expect(status).toHaveTextContent("王小明");
    expect(status).toHaveTextContent("平台侧问题");
    expect(status).toHaveTextContent("2026-11-22");
  });

  it("labels the pager and counts the rows of the filter", () => {
    renderTable([group("g1", "SKU-1")]);
    expect(screen.getByRole("navigation", { name: "分页" })).toHaveTextContent("共 120 条");
    expect(screen.getByRole("button", { name: "下一页" })).toBeEnabled();
    expect(screen.getByRole("button", { name: "上一页" })).toBeDisabled();
  });
});

describe("the mark-handled dialog", () => {
  it("sends the chosen resolution and the note", async () => {
    const onSubmit = vi.fn();
    render(
      <AppProviders>
        <HandleDialog open count={3} busy={false} onCancel={() => undefined} onSubmit={onSubmit} />
      </AppProviders>,
    );
    expect(screen.getByText("将 3 条标记为已处理。")).toBeInTheDocument();
    await userEvent.click(screen.getByRole("radio", { name: /平台侧问题/ }));
    await userEvent.click(screen.getByLabelText("备注"));
    await userEvent.paste("Shopee 促销结束后自动恢复");
    await userEvent.click(screen.getByRole("button", { name: "标记已处理" }));
    await vi.waitFor(() =>
      expect(onSubmit).toHaveBeenCalledWith({ resolution: "platform_side", note: "Shopee 促销结束后自动恢复" }),
    );
  }, 20_000); // antd's modal and form are slow under jsdom on a busy 2-core machine
});
