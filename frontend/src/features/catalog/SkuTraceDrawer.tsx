import { Alert, Descriptions, Drawer, Result, Skeleton, Space, Table, type TableColumnsType, Tag, Typography } from "antd";
import { Link } from "react-router-dom";

import { useI18n } from "../../app/useI18n";
import { useTenantTime } from "../settings/tenantTime";
import { TASK_SOURCE } from "../tasks/labels";
import { platformLabel } from "../traces/labels";
import { type PushedValue, type ShopTrace, useSkuTrace } from "./hooks";

/** 跨平台价格溯源: one SKU in every shop, each value traced to the task (and ERP request) that set it. */
export function SkuTraceDrawer({ sku, onClose }: { sku: string | null; onClose: () => void }) {
  const { t } = useI18n();
  const trace = useSkuTrace(sku);
  return (
    <Drawer open={sku !== null} onClose={onClose} size="min(1200px, 94vw)" title={t("trace.title", { sku: sku ?? "" })} destroyOnHidden>
      {trace.isPending ? (
        <Skeleton active />
      ) : trace.isError ? (
        <Result status="warning" title={trace.error.message} />
      ) : (
        <TraceBody trace={trace.data} />
      )}
    </Drawer>
  );
}

function TraceBody({ trace }: { trace: NonNullable<ReturnType<typeof useSkuTrace>["data"]> }) {
  const { t } = useI18n();
  const basePrices = Object.entries(trace.base_prices as Record<string, { price?: string }>)
    .map(([currency, value]) => `${value?.price ?? "—"} ${currency}`)
    .join(" · ");
  return (
    <Space orientation="vertical" size="middle" style={{ width: "100%" }} data-testid="sku-trace">
      <Descriptions size="small" bordered column={3}>
        <Descriptions.Item label={t("trace.sku")}>
          <Typography.Text code>{trace.sku}</Typography.Text> {trace.title}
        </Descriptions.Item>
        <Descriptions.Item label={t("trace.basePrices")}>{basePrices || "—"}</Descriptions.Item>
        <Descriptions.Item label={t("trace.erpStock")}>{trace.available_quantity ?? "—"}</Descriptions.Item>
      </Descriptions>
      <SpreadNote trace={trace} />
      <Table<ShopTrace>
        rowKey="shop_id"
        size="small"
        pagination={false}
        columns={useColumns(trace.reporting_currency)}
        dataSource={trace.shops}
        onRow={(shop) => ({ "data-testid": "trace-shop", "aria-label": shop.shop_name }) as object}
        scroll={{ x: 1000 }}
      />
    </Space>
  );
}

function SpreadNote({ trace }: { trace: NonNullable<ReturnType<typeof useSkuTrace>["data"]> }) {
  const { t } = useI18n();
  const missing = trace.missing_rates.length > 0 && (
    <div>{t("trace.missingRates", { currencies: trace.missing_rates.join(", ") })}</div>
  );
  if (trace.spread_pct === null)
    return <Alert type="info" showIcon title={t("trace.noSpread")} description={missing || undefined} data-testid="trace-spread" />;
  const values = { spread: trace.spread_pct, limit: trace.spread_limit_pct, currency: trace.reporting_currency };
  return (
    <Alert
      type={trace.flagged ? "error" : "success"}
      showIcon
      title={t(trace.flagged ? "trace.flagged" : "trace.withinLimit", values)}
      description={missing || undefined}
      data-testid="trace-spread"
      data-flagged={trace.flagged}
    />
  );
}

function useColumns(reporting: string): TableColumnsType<ShopTrace> {
  const { t } = useI18n();
  const time = useTenantTime();
  return [
    {
      title: t("trace.col.shop"),
      key: "shop",
      width: 170,
      fixed: "left",
      render: (_, shop) => (
        <Space orientation="vertical" size={0}>
          <span>{shop.shop_name}</span>
          <Typography.Text type="secondary">
            {platformLabel(shop.platform)} · {shop.currency}
          </Typography.Text>
          {!shop.bound && <Tag color="error">{t("catalog.unbound")}</Tag>}
        </Space>
      ),
    },
    {
      title: t("trace.col.platform"),
      key: "platform",
      width: 170,
      render: (_, shop) =>
        shop.platform_seen_at ? (
          <Space orientation="vertical" size={0} data-testid="trace-platform-value">
            <span>
              {shop.platform_price ?? "—"} {shop.currency} · {t("trace.stock", { quantity: shop.platform_quantity ?? "—" })}
            </span>
            {shop.platform_status && <Tag style={{ marginInlineEnd: 0 }}>{shop.platform_status}</Tag>}
            <Typography.Text type="secondary">{t("trace.readAt", { time: time.format(shop.platform_seen_at, "MM-DD HH:mm") })}</Typography.Text>
          </Space>
        ) : (
          <Typography.Text type="secondary">{t("trace.notRead")}</Typography.Text>
        ),
    },
    {
      title: t("trace.col.desiredPrice"),
      key: "desired",
      width: 230,
      render: (_, shop) => <Pushed value={shop.desired_price} field="price" unit={shop.currency} />,
    },
    {
      title: t("trace.col.appliedPrice"),
      key: "applied",
      width: 230,
      render: (_, shop) => <Pushed value={shop.applied_price} field="price" unit={shop.currency} />,
    },
    {
      title: t("trace.col.inReporting", { currency: reporting }),
      dataIndex: "price_in_reporting",
      width: 120,
      align: "right",
      render: (value: string | null) => value ?? <Typography.Text type="secondary">—</Typography.Text>,
    },
    {
      title: t("trace.col.stock"),
      key: "stock",
      width: 200,
      render: (_, shop) => <Pushed value={shop.desired_stock} field="quantity" unit="" />,
    },
    {
      title: t("trace.col.open"),
      key: "open",
      width: 200,
      render: (_, shop) =>
        shop.open_groups.length ? (
          <Space size={[4, 4]} wrap>
            {shop.open_groups.map((group) => (
              <Link key={group.id} to={`/?group=${group.id}`} title={group.message}>
                <Tag color="error" style={{ marginInlineEnd: 0 }}>
                  {group.error_type}
                </Tag>
              </Link>
            ))}
          </Space>
        ) : (
          <Typography.Text type="secondary">—</Typography.Text>
        ),
    },
  ];
}

/** A value OpenClaw pushed, its status, and where it came from: the task (and the ERP request or strategy). */
function Pushed({ value, field, unit }: { value: PushedValue | null; field: "price" | "quantity"; unit: string }) {
  const { t } = useI18n();
  const time = useTenantTime();
  if (!value) return <Typography.Text type="secondary">{t("trace.neverPushed")}</Typography.Text>;
  const shown = value.value[field];
  return (
    <Space orientation="vertical" size={0} data-testid={`trace-${field}`}>
      <span>
        {String(shown ?? "—")} {unit} <Tag style={{ marginInlineEnd: 0 }}>{t(`tasks.action.${value.status}` as Parameters<typeof t>[0])}</Tag>
      </span>
      <Link to={`/tasks/${value.task_id}`} data-testid="trace-task">
        {value.strategy_name ?? t(TASK_SOURCE[value.task_source as keyof typeof TASK_SOURCE] ?? "tasks.source.manual")}
        {value.request_id ? ` · ${value.request_id}` : ""}
      </Link>
      <Typography.Text type="secondary">{time.format(value.created_at, "MM-DD HH:mm")}</Typography.Text>
    </Space>
  );
}
