import { Space, Table, type TableColumnsType, Tag, Typography } from "antd";

import { useI18n } from "../../app/useI18n";
import { platformLabel } from "../traces/labels";
import { platformIds } from "./bindings";
import type { Binding } from "./hooks";

/** One SKU's bindings, a shop a row: the seller SKU the platform knows and the platform's own ids. */
export function BindingsTable({ bindings }: { bindings: Binding[] }) {
  const { t } = useI18n();
  const columns: TableColumnsType<Binding> = [
    {
      title: t("catalog.col.shop"),
      dataIndex: "shop_name",
      width: 220,
      render: (name: string, binding) => (
        <Space size={4}>
          <span>{name}</span>
          <Typography.Text type="secondary">{platformLabel(binding.platform)}</Typography.Text>
        </Space>
      ),
    },
    {
      title: t("catalog.col.platformSku"),
      dataIndex: "platform_sku",
      width: 200,
      render: (sku: string) => <Typography.Text code>{sku}</Typography.Text>,
    },
    {
      title: t("catalog.col.platformIds"),
      key: "ids",
      render: (_: unknown, binding) => {
        const ids = platformIds(binding);
        return ids.length ? (
          <Typography.Text style={{ fontFamily: "monospace", fontSize: 12 }}>{ids.join(" · ")}</Typography.Text>
        ) : (
          <Typography.Text type="secondary">{t("catalog.idsPending")}</Typography.Text>
        );
      },
    },
    {
      title: t("catalog.col.boundBy"),
      dataIndex: "bound_by",
      width: 120,
      render: (by: Binding["bound_by"]) => <Tag>{t(by === "sync" ? "catalog.boundBy.sync" : "catalog.boundBy.user")}</Tag>,
    },
  ];
  return (
    <Table<Binding>
      rowKey="shop_id"
      size="small"
      columns={columns}
      dataSource={bindings}
      pagination={false}
      onRow={() => ({ "data-testid": "binding-row" }) as object}
      data-testid="sku-bindings"
    />
  );
}
