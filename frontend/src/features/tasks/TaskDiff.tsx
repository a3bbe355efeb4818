import { Select, Skeleton, Space, Typography } from "antd";
import { useState } from "react";

import { useI18n } from "../../app/useI18n";
import { ChangesDiff } from "../audit/ChangesDiff";
import { useTenantTime } from "../settings/tenantTime";
import { type Task, useTaskDiff, useTasks } from "./hooks";

// The runs offered to compare with: the newest of the same strategy (or, for an ERP push, of the same source).
const RUNS_OFFERED = 50;

/** This run's config snapshot against another run of the same strategy, or against the strategy's config now. */
export function TaskDiff({ task }: { task: Task }) {
  const { t } = useI18n();
  const time = useTenantTime();
  const runs = useTasks(task.strategy_id ? { strategy_id: task.strategy_id, limit: RUNS_OFFERED } : { source: task.source, limit: RUNS_OFFERED });
  const [against, setAgainst] = useState<string | null>(task.strategy_id ? "current" : null);
  const diff = useTaskDiff(task.id, against);

  const options = [
    ...(task.strategy_id ? [{ value: "current", label: t("tasks.diff.current") }] : []),
    ...(runs.data?.items ?? [])
      .filter((run) => run.id !== task.id)
      .map((run) => ({
        value: run.id,
        label: t("tasks.diff.run", { time: time.format(run.created_at), id: run.id.slice(0, 8) }),
      })),
  ];

  return (
    <Space orientation="vertical" style={{ width: "100%" }} data-testid="task-diff">
      <Space wrap>
        <Typography.Text>{t("tasks.diff.against")}</Typography.Text>
        <Select
          aria-label={t("tasks.diff.against")}
          style={{ minWidth: 320 }}
          value={against}
          placeholder={t("tasks.diff.choose")}
          options={options}
          onChange={setAgainst}
          loading={runs.isPending}
          data-testid="task-diff-against"
        />
      </Space>
      <Typography.Text type="secondary">{t("tasks.diff.reading")}</Typography.Text>
      {against === null ? null : diff.isPending ? (
        <Skeleton active />
      ) : diff.isError ? (
        <Typography.Text type="danger">{diff.error.message}</Typography.Text>
      ) : (
        <ChangesDiff changes={diff.data.changes} sameText={t(against === "current" ? "tasks.diff.sameAsCurrent" : "tasks.diff.sameAsRun")} />
      )}
    </Space>
  );
}
