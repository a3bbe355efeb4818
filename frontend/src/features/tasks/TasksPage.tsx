import { Button, Select, Space, Table, type TableColumnsType, Tag, Typography } from "antd";
import { useMemo } from "react";
import { Link, useNavigate, useParams, useSearchParams } from "react-router-dom";

import { useI18n } from "../../app/useI18n";
import { useStrategies } from "../strategies/hooks";
import { useTenantTime } from "../settings/tenantTime";
import { CursorPager } from "../traces/CursorPager";
import { useCursorPages } from "../traces/useCursorPages";
import { CountTags, isCatalogSync, SyncCounts } from "./CountTags";
import { type Task, type TaskQuery, type TaskSource, type TaskStatus, useActorLabel, useTasks } from "./hooks";
import { TASK_SOURCE, TASK_STATUS } from "./labels";
import { TaskDrawer } from "./TaskDrawer";

const PAGE_SIZE = 50;
const FILTERS = ["strategy_id", "status", "source"] as const;
const STATUSES = Object.keys(TASK_STATUS) as TaskStatus[];
const SOURCES = Object.keys(TASK_SOURCE) as TaskSource[];

/** Task history: every run of a strategy or an ERP push, filterable in the URL; `/tasks/<id>` opens one. */
export default function TasksPage() {
  const { t } = useI18n();
  const time = useTenantTime();
  const [params, setParams] = useSearchParams();
  const navigate = useNavigate();
  const { taskId } = useParams();
  const strategies = useStrategies();
  const actor = useActorLabel();

  const query = useMemo(() => {
    const q: Record<string, string> = {};
    for (const name of FILTERS) {
      const value = params.get(name);
      if (value) q[name] = value;
    }
    return q as TaskQuery;
  }, [params]);
  const pages = useCursorPages(JSON.stringify(query));
  const tasks = useTasks({ ...query, limit: PAGE_SIZE, cursor: pages.cursor });

  const setFilter = (name: (typeof FILTERS)[number], value: string | undefined) => {
    const next = new URLSearchParams(params);
    if (value) next.set(name, value);
    else next.delete(name);
    setParams(next);
  };
  const open = (id: string | null) => navigate({ pathname: id ? `/tasks/${id}` : "/tasks", search: params.toString() });
  // The strategies to filter by; a viewer, who cannot list them, picks among those of the tasks on screen.
  const strategyOptions = new Map((tasks.data?.items ?? []).flatMap((task) => (task.strategy_id ? [[task.strategy_id, task.strategy_name ?? task.strategy_id]] : [])));
  for (const strategy of strategies.data?.items ?? []) strategyOptions.set(strategy.id, strategy.name);

  const columns: TableColumnsType<Task> = [
    {
      title: t("tasks.col.createdAt"),
      dataIndex: "created_at",
      width: 170,
      render: (value: string, task) => (
        <Typography.Link onClick={() => open(task.id)} data-testid="task-open">
          {time.format(value)}
        </Typography.Link>
      ),
    },
    {
      title: t("tasks.col.strategy"),
      dataIndex: "strategy_name",
      render: (name: string | null, task) => {
        if (isCatalogSync(task)) return t("tasks.sync.title", { shop: String(task.config_snapshot.shop_name ?? "") });
        if (!task.strategy_id) return "—";
        const label = name ?? task.strategy_id.slice(0, 8);
        return <Link to={`/strategies?strategy=${task.strategy_id}`}>{label}</Link>;
      },
    },
    { title: t("tasks.col.source"), dataIndex: "source", width: 100, render: (source: TaskSource) => t(TASK_SOURCE[source]) },
    {
      title: t("tasks.col.status"),
      dataIndex: "status",
      width: 110,
      render: (status: TaskStatus) => <Tag color={TASK_STATUS[status].color}>{t(TASK_STATUS[status].label)}</Tag>,
    },
    {
      title: t("tasks.col.counts"),
      dataIndex: "counts",
      render: (counts: Task["counts"], task) =>
        isCatalogSync(task) ? <SyncCounts summary={task.summary} /> : <CountTags counts={counts} compact />,
    },
    {
      title: t("tasks.col.finishedAt"),
      dataIndex: "finished_at",
      width: 170,
      render: (value: string | null) => (value ? time.format(value) : <Typography.Text type="secondary">—</Typography.Text>),
    },
    { title: t("tasks.col.createdBy"), dataIndex: "created_by", width: 160, ellipsis: true, render: (by: string | null) => actor(by) },
  ];

  return (
    <Space orientation="vertical" size="middle" style={{ width: "100%" }}>
      <Typography.Text type="secondary">{t("tasks.intro")}</Typography.Text>
      <Space wrap role="search" aria-label={t("tasks.filters")}>
        <Select
          aria-label={t("tasks.col.strategy")}
          allowClear
          showSearch
          optionFilterProp="label"
          placeholder={t("tasks.filter.strategy")}
          style={{ width: 240 }}
          value={query.strategy_id ?? undefined}
          onChange={(value: string | undefined) => setFilter("strategy_id", value)}
          options={[...strategyOptions].map(([value, label]) => ({ value, label }))}
          data-testid="tasks-filter-strategy"
        />
        <Select
          aria-label={t("tasks.col.status")}
          allowClear
          placeholder={t("tasks.filter.status")}
          style={{ width: 160 }}
          value={query.status ?? undefined}
          onChange={(value: string | undefined) => setFilter("status", value)}
          options={STATUSES.map((value) => ({ value, label: t(TASK_STATUS[value].label) }))}
        />
        <Select
          aria-label={t("tasks.col.source")}
          allowClear
          placeholder={t("tasks.filter.source")}
          style={{ width: 160 }}
          value={query.source ?? undefined}
          onChange={(value: string | undefined) => setFilter("source", value)}
          options={SOURCES.map((value) => ({ value, label: t(TASK_SOURCE[value]) }))}
        />
        {Object.keys(query).length > 0 && <Button onClick={() => setParams(new URLSearchParams())}>{t("tasks.clear")}</Button>}
      </Space>
      <Table<Task>
        rowKey="id"
        size="middle"
        columns={columns}
        dataSource={tasks.data?.items}
        loading={tasks.isPending}
        pagination={false}
        locale={{ emptyText: t("tasks.empty") }}
        onRow={() => ({ "data-testid": "task-row" }) as object}
        data-testid="tasks-table"
      />
      <CursorPager pages={pages} nextCursor={tasks.data?.next_cursor} loading={tasks.isFetching} />
      <TaskDrawer taskId={taskId ?? null} onClose={() => open(null)} />
    </Space>
  );
}
