import { Alert, Descriptions, Drawer, Result, Skeleton, Space, Tag, Typography } from "antd";

import { ApiError } from "../../api/client";
import { useI18n } from "../../app/useI18n";
import { useTenantTime } from "../settings/tenantTime";
import { healthOf, type Shop } from "./health";
import { HealthDot } from "./HealthDot";
import { type Connection, useConnection } from "./queries";

// Platforms whose token answer names the granted scopes (api/platforms.py REQUIRED_SCOPES); the others' grants
// name none, so an empty list there is no news.
const SCOPED_PLATFORMS = new Set(["tiktok"]);

/** One shop's connection as GET /v1/shops/{id}/connection answers it: credential names (never the secrets),
 * tokens and their expiry, scopes, the last error and when it was last checked. */
export function ConnectionDrawer({ shop, onClose }: { shop: Shop | null; onClose: () => void }) {
  const { t } = useI18n();
  // A shop without a connection has nothing to ask for (the API answers 404).
  const connection = useConnection(shop?.connection ? shop.id : null);

  return (
    <Drawer
      open={shop !== null}
      onClose={onClose}
      size="min(720px, 92vw)"
      title={shop ? t("connections.drawer.title", { shop: shop.name }) : ""}
      closable={{ "aria-label": t("board.drawer.close") }}
      destroyOnHidden
      data-testid="connection-drawer"
    >
      {shop === null ? null : !shop.connection ? (
        <Space orientation="vertical" size="middle" style={{ width: "100%" }}>
          <HealthDot health="none" />
          <Alert type="info" showIcon title={t("connections.drawer.notConnected")} description={t("connections.hint.none")} />
        </Space>
      ) : connection.isPending ? (
        <Skeleton active />
      ) : connection.isError ? (
        <Result
          status="warning"
          title={connection.error instanceof ApiError ? connection.error.message : String(connection.error)}
        />
      ) : (
        <ConnectionDetails shop={shop} connection={connection.data} />
      )}
    </Drawer>
  );
}

function ConnectionDetails({ shop, connection }: { shop: Shop; connection: Connection }) {
  const { t } = useI18n();
  const time = useTenantTime();
  const when = (value: string | null) => (value ? time.format(value, "YYYY-MM-DD HH:mm:ss") : "—");
  const tokens = [
    connection.has_access_token && t("connections.tokens.access"),
    connection.has_refresh_token && t("connections.tokens.refresh"),
  ].filter(Boolean);

  return (
    <Space orientation="vertical" size="middle" style={{ width: "100%" }} data-testid="connection-detail">
      {connection.last_error && (
        <Alert
          type="error"
          showIcon
          title={t("connections.field.lastError")}
          description={<span data-testid="connection-last-error">{connection.last_error}</span>}
        />
      )}
      <Descriptions size="small" bordered column={1} styles={{ label: { width: 200 } }}>
        <Descriptions.Item label={t("connections.field.health")}>
          <HealthDot health={connection.health ?? healthOf(shop)} />
        </Descriptions.Item>
        <Descriptions.Item label={t("connections.field.credentials")}>
          <span data-testid="connection-credentials">
            {connection.credential_names.length > 0 ? (
              <Space size={[4, 4]} wrap>
                {connection.credential_names.map((name) => (
                  <Tag key={name} style={{ marginInlineEnd: 0, fontFamily: "monospace" }}>
                    {name}
                  </Tag>
                ))}
              </Space>
            ) : (
              "—"
            )}
          </span>
        </Descriptions.Item>
        <Descriptions.Item label={t("connections.field.tokens")}>
          {tokens.length > 0 ? tokens.join("、") : t("connections.tokens.none")}
        </Descriptions.Item>
        <Descriptions.Item label={t("connections.field.scopes")}>
          <span data-testid="connection-scopes">
            {connection.scopes.length > 0 ? (
              <Space size={[4, 4]} wrap>
                {connection.scopes.map((scope) => (
                  <Tag key={scope} color="green" style={{ marginInlineEnd: 0 }}>
                    {scope}
                  </Tag>
                ))}
              </Space>
            ) : (
              <Typography.Text type="secondary">
                {t(SCOPED_PLATFORMS.has(shop.platform) ? "connections.scopesNone" : "connections.scopesNotNamed")}
              </Typography.Text>
            )}
          </span>
        </Descriptions.Item>
        <Descriptions.Item label={t("connections.field.missingScopes")}>
          {connection.missing_scopes.length > 0 ? (
            <Space size={[4, 4]} wrap>
              {connection.missing_scopes.map((scope) => (
                <Tag key={scope} color="red" style={{ marginInlineEnd: 0 }}>
                  {scope}
                </Tag>
              ))}
            </Space>
          ) : (
            "—"
          )}
        </Descriptions.Item>
        <Descriptions.Item label={t("connections.field.accessExpires")}>{when(connection.access_expires_at)}</Descriptions.Item>
        <Descriptions.Item label={t("connections.field.refreshExpires")}>{when(connection.refresh_expires_at)}</Descriptions.Item>
        <Descriptions.Item label={t("connections.field.grantExpires")}>{when(connection.grant_expires_at)}</Descriptions.Item>
        <Descriptions.Item label={t("connections.field.lastSuccess")}>{when(connection.last_success_at)}</Descriptions.Item>
        <Descriptions.Item label={t("connections.field.lastChecked")}>
          <span data-testid="connection-last-checked">{when(connection.last_checked_at)}</span>
        </Descriptions.Item>
        {!connection.last_error && <Descriptions.Item label={t("connections.field.lastError")}>—</Descriptions.Item>}
        <Descriptions.Item label={t("connections.field.baseUrl")}>
          <Typography.Text code>{connection.base_url ?? t("connections.marketDefault")}</Typography.Text>
        </Descriptions.Item>
        <Descriptions.Item label={t("connections.field.authBaseUrl")}>
          <Typography.Text code>{connection.auth_base_url ?? t("connections.marketDefault")}</Typography.Text>
        </Descriptions.Item>
        <Descriptions.Item label={t("connections.field.updatedAt")}>{when(connection.updated_at)}</Descriptions.Item>
      </Descriptions>
    </Space>
  );
}
