import { PlusOutlined } from "@ant-design/icons";
import { Button, Space, Table, type TableColumnsType, Tag, Typography } from "antd";
import { useSearchParams } from "react-router-dom";
import { Link } from "react-router-dom";

import { TagList } from "../../app/TagList";
import { useI18n } from "../../app/useI18n";
import { usePermissions } from "../auth/hooks";
import { useTenantTime } from "../settings/tenantTime";
import { type Strategy, useShops, useStrategies } from "./hooks";
import { KIND_COLORS, KIND_LABELS } from "./labels";
import { RunButton, StrategyDrawer } from "./StrategyDrawer";

/** Strategies: the list, and one strategy's form in a drawer addressed by `?strategy=<id>|new`. */
export default function StrategiesPage() {
  const { t } = useI18n();
  const time = useTenantTime();
  const { canAct } = usePermissions();
  const [params, setParams] = useSearchParams();
  const strategies = useStrategies();
  const shops = useShops();
  const shopName = new Map((shops.data?.items ?? []).map((shop) => [shop.id, shop.name]));
  const open = (id: string | null) => {
    const next = new URLSearchParams(params);
    if (id) next.set("strategy", id);
    else next.delete("strategy");
    setParams(next);
  };

  const columns: TableColumnsType<Strategy> = [
    {
      title: t("strategies.col.name"),
      dataIndex: "name",
      render: (name: string, strategy) => (
        <Typography.Link onClick={() => open(strategy.id)} data-testid="strategy-name">
          {name}
        </Typography.Link>
      ),
    },
    {
      title: t("strategies.col.kind"),
      dataIndex: "kind",
      width: 120,
      render: (kind: Strategy["kind"]) => <Tag color={KIND_COLORS[kind]}>{t(KIND_LABELS[kind])}</Tag>,
    },
    {
      title: t("strategies.col.shops"),
      dataIndex: "shop_ids",
      render: (ids: string[]) => <TagList items={ids.map((id) => ({ key: id, label: shopName.get(id) ?? id.slice(0, 8) }))} />,
    },
    {
      title: t("strategies.col.schedule"),
      dataIndex: "schedule",
      width: 130,
      render: (schedule: string | null) =>
        schedule ? <Typography.Text code>{schedule}</Typography.Text> : <Typography.Text type="secondary">{t("strategies.onDemand")}</Typography.Text>,
    },
    {
      title: t("strategies.col.nextRun"),
      dataIndex: "next_run_at",
      width: 150,
      render: (value: string | null) => (value ? time.format(value, "YYYY-MM-DD HH:mm") : "—"),
    },
    {
      title: t("strategies.col.active"),
      dataIndex: "is_active",
      width: 90,
      render: (active: boolean) => <Tag color={active ? "green" : "default"}>{t(active ? "strategies.active" : "strategies.paused")}</Tag>,
    },
    {
      title: t("strategies.col.monitoring"),
      dataIndex: "monitoring_enabled",
      width: 90,
      render: (on: boolean) => <Tag color={on ? "blue" : "default"}>{t(on ? "strategies.on" : "strategies.off")}</Tag>,
    },
    { title: t("strategies.col.version"), dataIndex: "version", width: 70, render: (version: number) => `v${version}` },
    {
      title: t("strategies.col.actions"),
      key: "actions",
      width: 200,
      render: (_: unknown, strategy) => (
        <Space size="small">
          {canAct && <RunButton strategy={strategy} size="small" />}
          <Link to={`/tasks?strategy_id=${strategy.id}`}>{t("strategies.history")}</Link>
        </Space>
      ),
    },
  ];

  return (
    <Space orientation="vertical" size="middle" style={{ width: "100%" }}>
      <Space style={{ width: "100%", justifyContent: "space-between" }}>
        <Typography.Text type="secondary">{t("strategies.intro")}</Typography.Text>
        {canAct && (
          <Button type="primary" icon={<PlusOutlined />} onClick={() => open("new")} data-testid="strategy-new">
            {t("strategies.new")}
          </Button>
        )}
      </Space>
      <Table<Strategy>
        rowKey="id"
        size="middle"
        columns={columns}
        dataSource={strategies.data?.items}
        loading={strategies.isPending}
        pagination={false}
        locale={{ emptyText: t("strategies.empty") }}
        data-testid="strategies-table"
      />
      <StrategyDrawer strategyId={params.get("strategy")} canEdit={canAct} onClose={() => open(null)} />
    </Space>
  );
}
