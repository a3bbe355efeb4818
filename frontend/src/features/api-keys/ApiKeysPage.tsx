import { PlusOutlined } from "@ant-design/icons";
import { App, Badge, Button, Popconfirm, Space, Table, type TableColumnsType, Tag, Typography } from "antd";
import dayjs from "dayjs";
import { useState } from "react";

import { Forbidden } from "../../app/Forbidden";
import { useI18n } from "../../app/useI18n";
import { usePermissions } from "../auth/hooks";
import { CreateApiKeyModal } from "./CreateApiKeyModal";
import { type ApiKey, useApiKeys, useRevokeApiKey } from "./hooks";
import { SecretModal } from "./SecretModal";

const formatTime = (value: string | null) => (value ? dayjs(value).format("YYYY-MM-DD HH:mm") : null);

export default function ApiKeysPage() {
  const { isAdmin } = usePermissions();
  if (!isAdmin) return <Forbidden />;
  return <ApiKeysAdmin />;
}

function ApiKeysAdmin() {
  const { t } = useI18n();
  const { message } = App.useApp();
  const keys = useApiKeys();
  const revoke = useRevokeApiKey();
  const [creating, setCreating] = useState(false);
  const [secret, setSecret] = useState<string | null>(null);

  const columns: TableColumnsType<ApiKey> = [
    { title: t("apiKeys.name"), dataIndex: "name" },
    { title: t("apiKeys.prefix"), dataIndex: "prefix", render: (prefix: string) => <code>{prefix}…</code> },
    {
      title: t("apiKeys.scopes"),
      dataIndex: "scopes",
      render: (scopes: ApiKey["scopes"]) => scopes.map((scope) => <Tag key={scope}>{scope}</Tag>),
    },
    { title: t("apiKeys.createdAt"), dataIndex: "created_at", render: formatTime },
    {
      title: t("apiKeys.lastUsedAt"),
      dataIndex: "last_used_at",
      render: (value: string | null) => formatTime(value) ?? <Typography.Text type="secondary">{t("common.never")}</Typography.Text>,
    },
    {
      title: t("apiKeys.status"),
      dataIndex: "revoked_at",
      render: (revokedAt: string | null) =>
        revokedAt ? (
          <Badge status="default" text={`${t("apiKeys.revokedStatus")} ${formatTime(revokedAt)}`} />
        ) : (
          <Badge status="success" text={t("apiKeys.active")} />
        ),
    },
    {
      title: t("apiKeys.actions"),
      key: "actions",
      render: (_, key) =>
        key.revoked_at ? null : (
          <Popconfirm
            title={t("apiKeys.revokeConfirm", { name: key.name })}
            okText={t("apiKeys.revoke")}
            okButtonProps={{ danger: true }}
            cancelText={t("common.cancel")}
            onConfirm={() =>
              revoke.mutateAsync(key.id).then(() => void message.success(t("apiKeys.revokedMessage")))
            }
          >
            <Button danger size="small">
              {t("apiKeys.revoke")}
            </Button>
          </Popconfirm>
        ),
    },
  ];

  return (
    <Space direction="vertical" size="large" style={{ width: "100%" }}>
      <div style={{ display: "flex", alignItems: "center", gap: 16 }}>
        <Typography.Text type="secondary" style={{ flex: 1 }}>
          {t("apiKeys.intro")}
        </Typography.Text>
        <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)}>
          {t("apiKeys.create")}
        </Button>
      </div>
      <Table<ApiKey>
        rowKey="id"
        columns={columns}
        dataSource={keys.data?.items}
        loading={keys.isPending}
        pagination={false}
        locale={{ emptyText: t("apiKeys.empty") }}
      />
      <CreateApiKeyModal
        open={creating}
        onClose={() => setCreating(false)}
        onCreated={(created) => {
          setCreating(false);
          setSecret(created.secret);
        }}
      />
      <SecretModal secret={secret} onClose={() => setSecret(null)} />
    </Space>
  );
}
