import { Select, Space, Table, type TableColumnsType, Tag, Typography } from "antd";
import { useState } from "react";
import { Link } from "react-router-dom";

import { useI18n } from "../../app/useI18n";
import { useTenantTime } from "../settings/tenantTime";
import { CursorPager } from "../traces/CursorPager";
import { useCursorPages } from "../traces/useCursorPages";
import { type Action, type ActionStatus, useTaskActions } from "./hooks";
import { ACTION_STATUS, OPERATION_LABELS } from "./labels";
import { formatValue } from "./values";

const STATUSES = Object.keys(ACTION_STATUS) as ActionStatus[];

/** The push actions of one task, filtered by status; each links to the trace of its last call. */
export function TaskActions({ taskId, live }: { taskId: string; live: boolean }) {
  const { t } = useI18n();
  const time = useTenantTime();
  const [status, setStatus] = useState<ActionStatus | undefined>(undefined);
  const pages = useCursorPages(status ?? "");
  const actions = useTaskActions(taskId, status, pages.cursor, live);
  const stock = t("tasks.value.stock");

  const columns: TableColumnsType<Action> = [
    { title: t("tasks.col.sku"), dataIndex: "sku", width: 160, render: (sku: string) => <Typography.Text code>{sku}</Typography.Text> },
    { title: t("tasks.col.shop"), dataIndex: "shop_name", width: 170, render: (name: string | null, action) => name ?? action.shop_id },
    {
      title: t("tasks.col.operation"),
      dataIndex: "operation",
      width: 80,
      render: (operation: string) => (OPERATION_LABELS[operation] ? t(OPERATION_LABELS[operation]) : operation),
    },
    {
      title: t("tasks.col.value"),
      key: "value",
      render: (_: unknown, action) => (
        <span style={{ wordBreak: "break-word" }}>
          {action.previous_value && (
            <Typography.Text type="secondary">{formatValue(action.operation, action.previous_value, stock)} → </Typography.Text>
          )}
          {formatValue(action.operation, action.value, stock)}
        </span>
      ),
    },
    {
      title: t("tasks.col.status"),
      dataIndex: "status",
      width: 190,
      render: (value: ActionStatus, action) => (
        <Space orientation="vertical" size={0}>
          <Tag color={ACTION_STATUS[value].color}>{t(ACTION_STATUS[value].label)}</Tag>
          {action.error_type && <Typography.Text type="secondary" style={{ fontSize: 12 }}>{action.error_type}</Typography.Text>}
          {action.status === "awaiting_confirmation" && action.confirm_deadline && (
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              {t("tasks.confirmBy", { time: time.format(action.confirm_deadline, "MM-DD HH:mm:ss") })}
            </Typography.Text>
          )}
        </Space>
      ),
    },
    { title: t("tasks.col.attempts"), dataIndex: "attempts", width: 70 },
    {
      title: t("tasks.col.trace"),
      dataIndex: "last_trace_id",
      width: 120,
      render: (traceId: string | null) =>
        traceId ? (
          <Link to={`/traces/${encodeURIComponent(traceId)}`} data-testid="action-trace-link">
            {t("tasks.openTrace")}
          </Link>
        ) : (
          "—"
        ),
    },
  ];

  return (
    <Space orientation="vertical" style={{ width: "100%" }} data-testid="task-actions">
      <Select
        aria-label={t("tasks.col.status")}
        allowClear
        placeholder={t("tasks.filter.actionStatus")}
        style={{ width: 220 }}
        value={status}
        onChange={setStatus}
        options={STATUSES.map((value) => ({ value, label: t(ACTION_STATUS[value].label) }))}
      />
      <Table<Action>
        rowKey="id"
        size="small"
        columns={columns}
        dataSource={actions.data?.items}
        loading={actions.isPending}
        pagination={false}
        locale={{ emptyText: t("tasks.noActions") }}
        onRow={() => ({ "data-testid": "action-row" }) as object}
        expandable={{
          rowExpandable: (action) => !!action.error_message,
          expandedRowRender: (action) => <Typography.Text type="danger">{action.error_message}</Typography.Text>,
        }}
      />
      <CursorPager pages={pages} nextCursor={actions.data?.next_cursor} loading={actions.isFetching} />
    </Space>
  );
}
