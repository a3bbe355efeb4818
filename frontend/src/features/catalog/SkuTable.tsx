import { Space, Table, type TableColumnsType, Tag, Typography } from "antd";
import { Link } from "react-router-dom";

import { TagList } from "../../app/TagList";
import { useI18n } from "../../app/useI18n";
import type { Shop } from "../strategies/hooks";
import { CursorPager } from "../traces/CursorPager";
import { useCursorPages } from "../traces/useCursorPages";
import { missingShops } from "./bindings";
import { BindingsTable } from "./BindingsTable";
import { type Sku, type SkuQuery, useSkus } from "./hooks";

const PAGE_SIZE = 50;

/** The current catalog URL with the price-tracing drawer of `sku` open. */
function traceParams(sku: string): string {
  const params = new URLSearchParams(window.location.search);
  params.set("trace", sku);
  return params.toString();
}

/** A paged list of SKUs: how many shops in view each is bound in, where it is not, and (expanded) its bindings. */
export function SkuTable({
  query,
  shopsInView,
  emptyText,
  testId,
}: {
  query: Omit<SkuQuery, "cursor" | "limit">;
  shopsInView: Shop[];
  emptyText: string;
  testId: string;
}) {
  const { t } = useI18n();
  const pages = useCursorPages(JSON.stringify(query));
  const skus = useSkus({ ...query, limit: PAGE_SIZE, cursor: pages.cursor });

  const columns: TableColumnsType<Sku> = [
    {
      title: t("catalog.col.sku"),
      dataIndex: "sku",
      render: (code: string, sku) => (
        <Space orientation="vertical" size={0}>
          <Typography.Text code data-testid="sku-code">
            {code}
          </Typography.Text>
          <Typography.Text type="secondary">{sku.title}</Typography.Text>
        </Space>
      ),
    },
    {
      title: t("catalog.col.bound"),
      key: "bound",
      width: 170,
      render: (_: unknown, sku) => t("catalog.boundCount", { bound: sku.bindings.length, total: shopsInView.length }),
    },
    {
      title: t("catalog.col.unbound"),
      key: "unbound",
      width: 380,
      render: (_: unknown, sku) => <Unbound sku={sku} shopsInView={shopsInView} />,
    },
    {
      title: t("catalog.col.stock"),
      dataIndex: "available_quantity",
      width: 110,
      align: "right",
      render: (quantity: number | null) => quantity ?? <Typography.Text type="secondary">—</Typography.Text>,
    },
  ];

  return (
    <>
      <Table<Sku>
        rowKey="sku"
        size="middle"
        columns={columns}
        dataSource={skus.data?.items}
        loading={skus.isPending}
        pagination={false}
        locale={{ emptyText }}
        expandable={{
          expandRowByClick: true,
          rowExpandable: (sku) => sku.bindings.length > 0,
          expandedRowRender: (sku) => (
            <Space orientation="vertical" style={{ width: "100%" }}>
              <Link to={`?${traceParams(sku.sku)}`} data-testid="sku-trace-link">
                {t("catalog.traceLink")} →
              </Link>
              <BindingsTable bindings={sku.bindings} />
            </Space>
          ),
        }}
        onRow={(sku) => ({ "data-testid": "sku-row", "aria-label": sku.sku }) as object}
        data-testid={testId}
      />
      <CursorPager pages={pages} nextCursor={skus.data?.next_cursor} loading={skus.isFetching} />
    </>
  );
}

/** Where the SKU is not bound, marked as the failure a push there would be, with its rows on the board. */
function Unbound({ sku, shopsInView }: { sku: Sku; shopsInView: Shop[] }) {
  const { t } = useI18n();
  const missing = missingShops(sku, shopsInView);
  if (missing.length === 0) return <Typography.Text type="secondary">—</Typography.Text>;
  const everywhere = missing.length === shopsInView.length && shopsInView.length > 1;
  return (
    <Space size={[4, 4]} wrap data-testid="sku-unbound">
      <Tag color="error" style={{ marginInlineEnd: 0 }}>
        {t(everywhere ? "catalog.unboundEverywhere" : "catalog.unbound")}
      </Tag>
      {!everywhere && <TagList items={missing.map((shop) => ({ key: shop.id, label: shop.name }))} />}
      <Link
        to={`/?${new URLSearchParams({ error_type: "SKU_MAPPING_FAILED", q: sku.sku })}`}
        onClick={(event) => event.stopPropagation()}
        style={{ fontSize: 12 }}
      >
        {t("catalog.onBoard")}
      </Link>
    </Space>
  );
}
