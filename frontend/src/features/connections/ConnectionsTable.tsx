import { LinkOutlined } from "@ant-design/icons";
import { Button, Space, Table, type TableColumnsType, Tag, Typography } from "antd";

import { useI18n } from "../../app/useI18n";
import { TagList } from "../../app/TagList";
import { PLATFORM_COLOR, PLATFORM_LABEL } from "../board/format";
import { authorizeAction, healthOf, isBroken, type Shop } from "./health";
import { HealthDot } from "./HealthDot";
import { TimeCell } from "./TimeCell";
import { useNow } from "./useNow";

/** The shops, most urgent first, with their connection's health; admins get the authorisation buttons. */
export function ConnectionsTable({
  shops,
  loading,
  filtered,
  isAdmin,
  authorizing,
  onAuthorize,
  onDetails,
}: {
  shops: Shop[];
  loading: boolean;
  filtered: boolean;
  isAdmin: boolean;
  /** The shop whose authorisation link is being fetched (the browser leaves for it next). */
  authorizing: string | null;
  onAuthorize: (shop: Shop) => void;
  onDetails: (shop: Shop) => void;
}) {
  const { t } = useI18n();
  const now = useNow();

  const columns: TableColumnsType<Shop> = [
    {
      title: t("connections.col.platform"),
      key: "platform",
      width: 150,
      render: (_, shop) => (
        <Space size={4}>
          <Tag color={PLATFORM_COLOR[shop.platform]} style={{ marginInlineEnd: 0 }}>
            {PLATFORM_LABEL[shop.platform] ?? shop.platform}
          </Tag>
          <Typography.Text type="secondary">{shop.market}</Typography.Text>
        </Space>
      ),
    },
    {
      title: t("connections.col.shop"),
      key: "shop",
      width: 200,
      render: (_, shop) => (
        <Typography.Text strong data-testid="connection-shop">
          {shop.name}
        </Typography.Text>
      ),
    },
    {
      title: t("connections.col.health"),
      key: "health",
      width: 130,
      render: (_, shop) => <HealthDot health={healthOf(shop)} />,
    },
    {
      title: t("connections.col.expires"),
      key: "expires",
      width: 160,
      render: (_, shop) => {
        const health = healthOf(shop);
        const endsAt = shop.connection?.authorization_expires_at;
        const ended = health === "expired" || (endsAt ? Date.parse(endsAt) <= now : false);
        return (
          <TimeCell
            value={endsAt}
            now={now}
            // Amazon's refresh tokens do not expire; elsewhere the end is only not known (yet).
            empty={!shop.connection ? "—" : t(shop.platform === "amazon" ? "connections.noEnd" : "connections.unknownEnd")}
            tone={ended ? "danger" : health === "expiring" ? "warning" : undefined}
            testId="connection-expires"
          />
        );
      },
    },
    {
      title: t("connections.col.missing"),
      key: "missing",
      render: (_, shop) => {
        const missing = shop.connection?.missing_scopes ?? [];
        return missing.length > 0 ? (
          <span data-testid="connection-missing">
            <TagList items={missing.map((scope) => ({ key: scope, label: scope }))} max={2} color="red" />
          </span>
        ) : (
          <Typography.Text type="secondary">—</Typography.Text>
        );
      },
    },
    {
      title: t("connections.col.lastSuccess"),
      key: "lastSuccess",
      width: 150,
      render: (_, shop) => (
        <TimeCell
          value={shop.connection?.last_success_at}
          now={now}
          empty={shop.connection ? t("connections.never") : "—"}
          testId="connection-last-success"
        />
      ),
    },
    {
      title: t("connections.col.actions"),
      key: "actions",
      width: isAdmin ? 180 : 80,
      render: (_, shop) => {
        const action = isAdmin ? authorizeAction(healthOf(shop)) : null;
        return (
          <Space size="middle">
            <Typography.Link onClick={() => onDetails(shop)} data-testid="connection-details">
              {t("connections.details")}
            </Typography.Link>
            {action && (
              <Button
                size="small"
                // Solid red where syncs fail now; outlined where the grant only ends soon or never started.
                type={action === "reauthorize" && isBroken(healthOf(shop)) ? "primary" : "default"}
                danger={action === "reauthorize" && isBroken(healthOf(shop))}
                icon={<LinkOutlined />}
                loading={authorizing === shop.id}
                disabled={authorizing !== null && authorizing !== shop.id}
                onClick={() => onAuthorize(shop)}
                data-testid={action}
              >
                {t(action === "authorize" ? "connections.authorize" : "connections.reauthorize")}
              </Button>
            )}
          </Space>
        );
      },
    },
  ];

  return (
    <Table<Shop>
      rowKey="id"
      size="middle"
      columns={columns}
      dataSource={shops}
      loading={loading}
      pagination={false}
      locale={{ emptyText: t(filtered ? "connections.emptyFiltered" : "connections.empty") }}
      onRow={(shop) => ({ "data-testid": "connection-row", "data-health": healthOf(shop), "aria-label": shop.name }) as object}
      data-testid="connections-table"
    />
  );
}
