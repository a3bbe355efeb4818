import { Descriptions, Skeleton, Typography } from "antd";
import { Link } from "react-router-dom";

import { useI18n } from "../../app/useI18n";
import { ChangesDiff } from "../audit/ChangesDiff";
import { type ErrorGroupDetail, useSnapshotDiff } from "./hooks";
import { RetryButton } from "./RetryButton";

// What a retry can re-push: one SKU's price, stock or listing (not, say, a shop's expired authorisation).
const RETRYABLE = ["price", "stock", "listing"];

/** Where a row came from: its task and strategy, the task's config snapshot against the strategy now, and retry. */
export function TaskSection({ group, canAct }: { group: ErrorGroupDetail; canAct: boolean }) {
  const { t } = useI18n();
  const taskId = group.latest_event.task_id ?? null;
  const strategyId = group.strategy_id;
  const diff = useSnapshotDiff(taskId && strategyId ? taskId : null);
  if (taskId === null) {
    return (
      <Typography.Text type="secondary" data-testid="not-pushed">
        {t("board.drawer.notPushed")}
      </Typography.Text>
    );
  }
  const strategyName = group.strategy_name ?? strategyId?.slice(0, 8);

  return (
    <>
      <Descriptions size="small" column={2} style={{ marginBottom: 16 }}>
        <Descriptions.Item label={t("board.drawer.strategy")}>
          {!strategyId ? (
            <Typography.Text type="secondary">{t("board.drawer.noStrategy")}</Typography.Text>
          ) : canAct ? (
            <Link to={`/strategies?strategy=${strategyId}`} data-testid="drawer-strategy-link">
              {strategyName}
            </Link>
          ) : (
            strategyName // viewers may not open strategies
          )}
        </Descriptions.Item>
        <Descriptions.Item label={t("board.drawer.task")}>
          <Link to={`/tasks/${taskId}`} data-testid="drawer-task-link">
            <Typography.Text code>{taskId.slice(0, 8)}</Typography.Text>
          </Link>
        </Descriptions.Item>
      </Descriptions>
      {group.error_type === "APPROVAL_PENDING" ? (
        // Held, not failed: nothing to retry; the decision is made on the approvals screen.
        <div style={{ marginBottom: 16 }}>
          <Link to="/approvals" data-testid="drawer-approvals-link">
            {t("board.drawer.toApprovals")}
          </Link>
        </div>
      ) : (
        canAct &&
        group.sku &&
        RETRYABLE.includes(group.operation ?? "") && (
          <div style={{ marginBottom: 16 }}>
            <RetryButton group={group} />
          </div>
        )
      )}
      <Typography.Title level={5}>{t("board.drawer.configDiff")}</Typography.Title>
      <div data-testid="snapshot-diff">
        {!strategyId ? (
          <Typography.Text type="secondary">{t("board.drawer.noSnapshotDiff")}</Typography.Text>
        ) : diff.isPending ? (
          <Skeleton active />
        ) : diff.isError ? (
          <Typography.Text type="danger">{diff.error.message}</Typography.Text>
        ) : (
          <>
            <Typography.Paragraph type="secondary">{t("board.drawer.configDiffHint")}</Typography.Paragraph>
            <ChangesDiff changes={diff.data.changes} sameText={t("board.drawer.configSame")} />
          </>
        )}
      </div>
    </>
  );
}
