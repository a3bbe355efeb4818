import { Descriptions, Drawer, Result, Skeleton, Space, Tabs, Tag, Typography } from "antd";
import { Link } from "react-router-dom";

import { useI18n } from "../../app/useI18n";
import { useTenantTime } from "../settings/tenantTime";
import { CountTags, isCatalogSync, SyncCounts } from "./CountTags";
import { type Task, useActorLabel, useTask } from "./hooks";
import { TASK_SOURCE, TASK_STATUS } from "./labels";
import { TaskActions } from "./TaskActions";
import { TaskDiff } from "./TaskDiff";

/** One task: what started it, its counts, its push actions, the config it ran with and how that differs. */
export function TaskDrawer({ taskId, onClose }: { taskId: string | null; onClose: () => void }) {
  const { t } = useI18n();
  const task = useTask(taskId);
  return (
    <Drawer
      open={taskId !== null}
      onClose={onClose}
      size="min(1100px, 92vw)"
      title={task.data ? t("tasks.detailTitle", { name: task.data.strategy_name ?? t(TASK_SOURCE[task.data.source]) }) : t("common.loading")}
      closable={{ "aria-label": t("tasks.close") }}
      destroyOnHidden
      data-testid="task-drawer"
    >
      {task.isPending ? (
        <Skeleton active />
      ) : task.isError ? (
        <Result status="warning" title={task.error.message} />
      ) : (
        <TaskBody task={task.data} />
      )}
    </Drawer>
  );
}

function TaskBody({ task }: { task: Task }) {
  const { t } = useI18n();
  const time = useTenantTime();
  const actor = useActorLabel();
  const live = task.status === "queued" || task.status === "running";
  const skipped = typeof task.summary.skipped_no_base_value === "number" ? task.summary.skipped_no_base_value : 0;
  const sync = isCatalogSync(task);

  return (
    <Space orientation="vertical" size="large" style={{ width: "100%" }} data-testid="task-detail">
      <Descriptions size="small" bordered column={{ xs: 1, md: 2, xl: 3 }}>
        <Descriptions.Item label={t("tasks.col.status")}>
          <Tag color={TASK_STATUS[task.status].color} data-testid="task-status">
            {t(TASK_STATUS[task.status].label)}
          </Tag>
        </Descriptions.Item>
        <Descriptions.Item label={t("tasks.col.source")}>{t(TASK_SOURCE[task.source])}</Descriptions.Item>
        <Descriptions.Item label={t("tasks.col.strategy")}>
          {sync ? (
            t("tasks.sync.title", { shop: String(task.config_snapshot.shop_name ?? "") })
          ) : task.strategy_id ? (
            <Link to={`/strategies?strategy=${task.strategy_id}`} data-testid="task-strategy-link">
              {task.strategy_name ?? task.strategy_id}
            </Link>
          ) : (
            "—"
          )}
        </Descriptions.Item>
        <Descriptions.Item label={t("tasks.col.createdAt")}>{time.format(task.created_at)}</Descriptions.Item>
        <Descriptions.Item label={t("tasks.col.startedAt")}>{time.format(task.started_at) || "—"}</Descriptions.Item>
        <Descriptions.Item label={t("tasks.col.finishedAt")}>{time.format(task.finished_at) || "—"}</Descriptions.Item>
        <Descriptions.Item label={t("tasks.col.createdBy")}>{actor(task.created_by)}</Descriptions.Item>
        <Descriptions.Item label={t("tasks.col.id")} span={2}>
          <Typography.Text code copyable>
            {task.id}
          </Typography.Text>
        </Descriptions.Item>
        {task.request_id && (
          <Descriptions.Item label={t("tasks.col.requestId")} span={3}>
            <Typography.Text code>{task.request_id}</Typography.Text>
          </Descriptions.Item>
        )}
        <Descriptions.Item label={t("tasks.col.counts")} span={3}>
          {sync ? <SyncReport summary={task.summary} /> : <CountTags counts={task.counts} />}
          {skipped > 0 && (
            <Typography.Text type="secondary" style={{ marginInlineStart: 8 }}>
              {t("tasks.skipped", { count: skipped })}
            </Typography.Text>
          )}
        </Descriptions.Item>
        {task.error && (
          <Descriptions.Item label={t("tasks.col.error")} span={3}>
            <Typography.Text type="danger">{task.error}</Typography.Text>
          </Descriptions.Item>
        )}
      </Descriptions>
      <Tabs
        items={[
          ...(sync ? [] : [{ key: "actions", label: t("tasks.tab.actions"), children: <TaskActions taskId={task.id} live={live} /> }]),
          {
            key: "snapshot",
            label: t("tasks.tab.snapshot"),
            children: (
              <pre data-testid="task-snapshot" style={{ fontFamily: "monospace", fontSize: 12, background: "#fafafa", padding: 12, borderRadius: 6, whiteSpace: "pre-wrap", wordBreak: "break-all", margin: 0 }}>
                {JSON.stringify(task.config_snapshot, null, 2)}
              </pre>
            ),
          },
          ...(sync ? [] : [{ key: "diff", label: t("tasks.tab.diff"), children: <TaskDiff task={task} /> }]),
        ]}
      />
    </Space>
  );
}

/** A catalog sync's counts, and the seller SKUs it could not bind because they name several listings. */
function SyncReport({ summary }: { summary: Record<string, unknown> }) {
  const { t } = useI18n();
  const conflicts = Array.isArray(summary.conflict_skus) ? (summary.conflict_skus as string[]) : [];
  const kept = typeof summary.user_bindings_kept === "number" ? summary.user_bindings_kept : 0;
  return (
    <Space orientation="vertical" size={4}>
      <SyncCounts summary={summary} />
      {conflicts.length > 0 && (
        <Typography.Text type="warning" data-testid="sync-conflicts">
          {t("tasks.sync.conflictSkus", { skus: conflicts.join(", ") })}
        </Typography.Text>
      )}
      {kept > 0 && <Typography.Text type="secondary">{t("tasks.sync.keptUser", { count: kept })}</Typography.Text>}
    </Space>
  );
}
