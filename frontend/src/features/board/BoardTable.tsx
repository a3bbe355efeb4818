import { LeftOutlined, RightOutlined } from "@ant-design/icons";
import { Button, Space, Table, type TableColumnsType, Tag, Tooltip, Typography } from "antd";
import type { SortOrder } from "antd/es/table/interface";

import { useI18n } from "../../app/useI18n";
import type { Sort } from "./filters";
import { formatTime, PLATFORM_COLOR, PLATFORM_LABEL, resolutionKey } from "./format";
import type { ErrorGroup } from "./hooks";

const SORTABLE: Sort[] = ["count", "first_seen", "last_seen"];

// Two lines and an ellipsis in CSS: antd's measured ellipsis costs a layout per cell, which a 50-row first paint
// cannot afford. The full text is in the title (and in the drawer).
const CLAMP = {
  display: "-webkit-box",
  WebkitLineClamp: 2,
  WebkitBoxOrient: "vertical",
  overflow: "hidden",
  wordBreak: "break-word",
} as const;
const SECONDARY = { color: "rgba(0, 0, 0, 0.45)" } as const;

/** One line of status: open / waiting / snoozed / handled with who, when and how. `waiting`: the type's SLA clock
 * is paused (it waits on the platform or an approver), so an open row reads as waiting, not as late. */
export function StatusCell({ group, waiting = false }: { group: ErrorGroup; waiting?: boolean }) {
  const { t } = useI18n();
  if (group.status === "handled") {
    const how = resolutionKey(group.resolution);
    return (
      <Space direction="vertical" size={0}>
        <Tag color="green">{t("board.status.handled")}</Tag>
        <Typography.Text type="secondary" style={{ fontSize: 12 }} data-testid="handled-by">
          {[group.handled_by_name ?? (group.handled_by === "system" ? t("board.system") : group.handled_by), formatTime(group.handled_at), how ? t(how) : null]
            .filter(Boolean)
            .join(" · ")}
        </Typography.Text>
      </Space>
    );
  }
  if (group.status === "archived") return <Tag>{t("board.status.archived")}</Tag>;
  return (
    <Space size={4} wrap>
      {group.snoozed ? (
        <Tag color="gold">{t("board.status.snoozed")}</Tag>
      ) : waiting ? (
        <Tooltip title={t("board.status.waitingHint")}>
          <Tag color="blue" data-testid="status-waiting">
            {t("board.status.waiting")}
          </Tag>
        </Tooltip>
      ) : (
        <Tag color="red">{t("board.status.open")}</Tag>
      )}
      {group.regression_count > 0 && (
        <Tooltip title={t("board.regressions", { count: group.regression_count })}>
          <Tag color="purple">{t("board.regressed")}</Tag>
        </Tooltip>
      )}
    </Space>
  );
}

/**
 * The server-paged table. Rows are focusable and open the drawer on click or Enter; paging goes by cursor
 * (previous / next), so it stays stable while new events arrive.
 */
export function BoardTable({
  rows,
  loading,
  sort,
  onSort,
  onOpen,
  pausedTypes,
  selectable,
  selectedIds,
  onSelect,
  page,
  hasPrevious,
  hasNext,
  onPrevious,
  onNext,
  total,
}: {
  rows: ErrorGroup[];
  loading: boolean;
  sort: Sort;
  onSort: (sort: Sort) => void;
  onOpen: (id: string) => void;
  /** Error types whose SLA clock is paused: their open rows read as waiting. */
  pausedTypes?: Set<string>;
  selectable: boolean;
  selectedIds: string[];
  onSelect: (ids: string[]) => void;
  page: number;
  hasPrevious: boolean;
  hasNext: boolean;
  onPrevious: () => void;
  onNext: () => void;
  total: number | null;
}) {
  const { t } = useI18n();
  const sortable = (key: Sort) => ({
    sorter: true,
    sortOrder: (sort === key ? "descend" : null) as SortOrder,
    sortDirections: ["descend"] as SortOrder[],
  });

  const columns: TableColumnsType<ErrorGroup> = [
    {
      title: t("board.col.sku"),
      dataIndex: "sku",
      width: 110,
      render: (sku: string) => <strong>{sku || "—"}</strong>,
    },
    {
      title: t("board.col.shop"),
      key: "shop",
      width: 150,
      // Plain elements in the cells: 50 rows of nested antd components cost a visible delay on the first paint.
      render: (_, g) => (
        <>
          <div>{g.shop_name}</div>
          <Tag color={PLATFORM_COLOR[g.platform]} style={{ marginInlineEnd: 4 }}>
            {PLATFORM_LABEL[g.platform] ?? g.platform}
          </Tag>
          <span style={SECONDARY}>{g.market}</span>
        </>
      ),
    },
    {
      title: t("board.col.errorType"),
      key: "type",
      width: 170,
      render: (_, g) => (
        <>
          <div data-testid="row-title">{g.title}</div>
          <div style={{ ...SECONDARY, fontSize: 12, overflow: "hidden", textOverflow: "ellipsis", whiteSpace: "nowrap" }} title={g.error_type}>
            {g.error_type}
          </div>
        </>
      ),
    },
    // Right after the type, so that what to do is on screen at 1440 px without scrolling sideways.
    {
      title: t("board.col.suggestion"),
      dataIndex: "suggestion",
      width: 240,
      render: (suggestion: string) => (
        <div style={{ ...CLAMP, ...SECONDARY }} title={suggestion} data-testid="row-suggestion">
          {suggestion}
        </div>
      ),
    },
    {
      title: t("board.col.platformError"),
      key: "platformError",
      width: 240,
      render: (_, g) => (
        <div>
          {g.platform_error_code && <Tag style={{ fontFamily: "monospace" }}>{g.platform_error_code}</Tag>}
          <div style={CLAMP} title={g.latest_event.platform_error_message}>
            {g.latest_event.platform_error_message}
          </div>
        </div>
      ),
    },
    { title: t("board.col.count"), dataIndex: "count", key: "count", width: 80, align: "right", ...sortable("count") },
    {
      title: t("board.col.lastSeen"),
      dataIndex: "last_seen",
      key: "last_seen",
      width: 140,
      render: formatTime,
      ...sortable("last_seen"),
    },
    {
      title: t("board.col.firstSeen"),
      dataIndex: "first_seen",
      key: "first_seen",
      width: 140,
      render: formatTime,
      ...sortable("first_seen"),
    },
    { title: t("board.col.status"), key: "status", width: 160, fixed: "right", render: (_, g) => <StatusCell group={g} waiting={pausedTypes?.has(g.error_type)} /> },
  ];

  return (
    <>
      <Table<ErrorGroup>
        rowKey="id"
        size="small"
        columns={columns}
        dataSource={rows}
        loading={loading}
        pagination={false}
        scroll={{ x: 1474 }}
        locale={{ emptyText: t("board.empty") }}
        onChange={(_, __, sorter) => {
          const key = !Array.isArray(sorter) && sorter.order ? (sorter.columnKey as Sort) : "last_seen";
          if (SORTABLE.includes(key)) onSort(key);
        }}
        rowSelection={
          selectable
            ? {
                selectedRowKeys: selectedIds,
                onChange: (keys) => onSelect(keys.map(String)),
                columnWidth: 44,
                fixed: true,
                getCheckboxProps: (g) => ({ "aria-label": t("board.selectRow", { sku: g.sku }) }) as object,
              }
            : undefined
        }
        onRow={(g) => ({
          tabIndex: 0,
          "aria-label": `${g.sku} ${g.title}`,
          "data-testid": "board-row",
          style: { cursor: "pointer" },
          onClick: (event) => {
            // The checkbox cell selects; everything else in the row opens the drawer.
            if ((event.target as HTMLElement).closest(".ant-table-selection-column, a, button")) return;
            onOpen(g.id);
          },
          onKeyDown: (event) => {
            if (event.key === "Enter" && event.target === event.currentTarget) onOpen(g.id);
          },
        })}
      />
      <nav aria-label={t("board.pager")} style={{ display: "flex", justifyContent: "flex-end", alignItems: "center", gap: 12, marginTop: 12 }}>
        <Typography.Text type="secondary">
          {total !== null ? t("board.pageOf", { page, total }) : t("board.page", { page })}
        </Typography.Text>
        <Button icon={<LeftOutlined />} disabled={!hasPrevious} onClick={onPrevious} aria-label={t("board.previous")} />
        <Button icon={<RightOutlined />} disabled={!hasNext} onClick={onNext} aria-label={t("board.next")} />
      </nav>
    </>
  );
}
