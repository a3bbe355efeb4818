import { ReloadOutlined } from "@ant-design/icons";
import { Alert, Button, Descriptions, Select, Space, Table, type TableColumnsType, Tag, Typography } from "antd";

import { useI18n } from "../../app/useI18n";
import { BodyBlock } from "../traces/BodyBlock";
import { useTenantTime } from "../settings/tenantTime";
import { ChannelAnswer } from "./ChannelAnswer";
import { CHANNEL_KINDS, DELIVERY_KINDS, DELIVERY_STATUS_ORDER, DELIVERY_STATUSES } from "./labels";
import { type Delivery, type DeliveryFilter, type DeliveryStatus, useAlertRules, useDeliveries } from "./queries";

/** What the rules sent, newest first: filter by rule and status; "load more" follows the server's cursor. */
export function DeliveriesTab({ filter, onFilter }: { filter: DeliveryFilter; onFilter: (filter: DeliveryFilter) => void }) {
  const { t } = useI18n();
  const time = useTenantTime();
  const rules = useAlertRules();
  const deliveries = useDeliveries(filter);
  const rows = deliveries.data?.pages.flatMap((page) => page.items) ?? [];
  const stamp = (value: string | null) => (value ? time.format(value) : "—");

  const columns: TableColumnsType<Delivery> = [
    { title: t("alerts.col.createdAt"), dataIndex: "created_at", width: 170, render: stamp },
    { title: t("alerts.col.rule"), dataIndex: "rule_name", width: 180 },
    {
      title: t("alerts.col.channel"),
      key: "channel",
      render: (_, delivery) => (
        <span style={{ whiteSpace: "nowrap" }}>
          <Tag color={CHANNEL_KINDS[delivery.channel_kind].color}>{t(CHANNEL_KINDS[delivery.channel_kind].label)}</Tag>
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {delivery.target_hint}
          </Typography.Text>
        </span>
      ),
    },
    {
      title: t("alerts.col.deliveryKind"),
      dataIndex: "kind",
      width: 110,
      render: (kind: Delivery["kind"]) => <Tag color={DELIVERY_KINDS[kind].color}>{t(DELIVERY_KINDS[kind].label)}</Tag>,
    },
    {
      title: t("alerts.col.status"),
      dataIndex: "status",
      width: 100,
      render: (status: DeliveryStatus) => (
        <Tag color={DELIVERY_STATUSES[status].color} data-testid="delivery-status">
          {t(DELIVERY_STATUSES[status].label)}
        </Tag>
      ),
    },
    { title: t("alerts.col.attempts"), dataIndex: "attempts", width: 80, align: "end" },
    {
      title: t("alerts.col.answer"),
      key: "answer",
      width: 190,
      render: (_, delivery) => <ChannelAnswer status={delivery.response_status} code={delivery.response_code} />,
    },
    { title: t("alerts.col.sentAt"), dataIndex: "sent_at", width: 170, render: stamp },
  ];

  return (
    <Space orientation="vertical" size="middle" style={{ width: "100%" }}>
      <Space wrap role="search" aria-label={t("alerts.deliveryFilters")}>
        <Select
          allowClear
          showSearch
          optionFilterProp="label"
          aria-label={t("alerts.col.rule")}
          placeholder={t("alerts.filter.allRules")}
          style={{ width: 240 }}
          value={filter.rule_id}
          loading={rules.isPending}
          options={(rules.data?.items ?? []).map((rule) => ({ value: rule.id, label: rule.name }))}
          onChange={(ruleId: string | undefined) => onFilter({ ...filter, rule_id: ruleId })}
          data-testid="delivery-filter-rule"
        />
        <Select
          allowClear
          aria-label={t("alerts.col.status")}
          placeholder={t("alerts.filter.allStatuses")}
          style={{ width: 160 }}
          value={filter.status}
          options={DELIVERY_STATUS_ORDER.map((status) => ({ value: status, label: t(DELIVERY_STATUSES[status].label) }))}
          onChange={(status: DeliveryStatus | undefined) => onFilter({ ...filter, status })}
          data-testid="delivery-filter-status"
        />
        <Button icon={<ReloadOutlined />} onClick={() => void deliveries.refetch()} loading={deliveries.isRefetching && !deliveries.isFetchingNextPage}>
          {t("alerts.refresh")}
        </Button>
      </Space>
      <Table<Delivery>
        rowKey="id"
        size="middle"
        columns={columns}
        dataSource={rows}
        loading={deliveries.isPending}
        pagination={false}
        locale={{ emptyText: t("alerts.noDeliveries") }}
        onRow={() => ({ "data-testid": "delivery-row" }) as object}
        expandable={{
          expandedRowRender: (delivery) => <DeliveryDetail delivery={delivery} />,
        }}
        data-testid="alert-deliveries-table"
      />
      {deliveries.hasNextPage && (
        <div style={{ textAlign: "center" }}>
          <Button onClick={() => void deliveries.fetchNextPage()} loading={deliveries.isFetchingNextPage} data-testid="delivery-more">
            {t("alerts.loadMore")}
          </Button>
        </div>
      )}
    </Space>
  );
}

function DeliveryDetail({ delivery }: { delivery: Delivery }) {
  const { t } = useI18n();
  const time = useTenantTime();
  const summary = delivery.summary as { title?: string; reason?: string };
  return (
    <Space orientation="vertical" style={{ width: "100%" }} data-testid="delivery-detail">
      <Descriptions size="small" column={2}>
        <Descriptions.Item label={t("alerts.detail.title")} span={2}>
          {summary.title || "—"}
        </Descriptions.Item>
        {summary.reason && (
          <Descriptions.Item label={t("alerts.detail.reason")} span={2}>
            {summary.reason}
          </Descriptions.Item>
        )}
        <Descriptions.Item label={t("alerts.detail.window")}>
          <Typography.Text code>{delivery.window_key}</Typography.Text>
        </Descriptions.Item>
        <Descriptions.Item label={t("alerts.detail.nextAttempt")}>{delivery.next_attempt_at ? time.format(delivery.next_attempt_at) : "—"}</Descriptions.Item>
      </Descriptions>
      {delivery.error && <Alert type="error" showIcon title={delivery.error} />}
      <Typography.Text type="secondary">{t("alerts.detail.body")}</Typography.Text>
      <BodyBlock body={delivery.response_body ?? ""} label={t("alerts.detail.body")} />
    </Space>
  );
}
