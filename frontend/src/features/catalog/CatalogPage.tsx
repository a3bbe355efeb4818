import { SyncOutlined } from "@ant-design/icons";
import { Alert, App, Button, Checkbox, Input, Select, Space, Tooltip, Typography } from "antd";
import { useMemo } from "react";
import { Link, useNavigate, useSearchParams } from "react-router-dom";

import { useI18n } from "../../app/useI18n";
import { usePermissions } from "../auth/hooks";
import { useShops } from "../strategies/hooks";
import { useCatalogSync } from "./hooks";
import { SkuTraceDrawer } from "./SkuTraceDrawer";
import { SkuTable } from "./SkuTable";

/** The catalog, read-only: SKUs with their bindings per shop, the unbound ones first; filters live in the URL. */
export default function CatalogPage() {
  const { t } = useI18n();
  const [params, setParams] = useSearchParams();
  const shops = useShops();
  const { canAct } = usePermissions();
  const q = params.get("q") ?? "";
  const shopId = params.get("shop_id") ?? undefined;
  const unboundOnly = params.get("unbound") === "true";

  const activeShops = useMemo(() => shops.data?.items ?? [], [shops.data]);
  const shop = activeShops.find((s) => s.id === shopId);
  const shopsInView = useMemo(() => (shopId ? activeShops.filter((s) => s.id === shopId) : activeShops), [activeShops, shopId]);
  const query = { ...(q ? { q } : {}), ...(shopId ? { shop_id: shopId } : {}) };

  const setFilter = (name: "q" | "shop_id" | "unbound" | "trace", value: string | undefined) => {
    const next = new URLSearchParams(params);
    if (value) next.set(name, value);
    else next.delete(name);
    setParams(next);
  };

  return (
    <Space orientation="vertical" size="middle" style={{ width: "100%" }}>
      <Alert
        type="info"
        showIcon
        title={t("catalog.readOnly")}
        description={
          <>
            {t("catalog.unboundMeans")} <Link to="/?error_type=SKU_MAPPING_FAILED">{t("catalog.toBoard")}</Link>
          </>
        }
        data-testid="catalog-read-only"
      />
      <Space wrap role="search" aria-label={t("catalog.filters")}>
        <Input.Search
          key={q} // a new URL (back, clear) shows its own text
          aria-label={t("catalog.search")}
          placeholder={t("catalog.search")}
          defaultValue={q}
          allowClear
          style={{ width: 300 }}
          onSearch={(value) => setFilter("q", value.trim() || undefined)}
          data-testid="catalog-search"
        />
        <Select
          aria-label={t("catalog.col.shop")}
          allowClear
          showSearch
          optionFilterProp="label"
          placeholder={t("catalog.filter.shop")}
          style={{ width: 220 }}
          value={shopId}
          onChange={(value: string | undefined) => setFilter("shop_id", value)}
          options={activeShops.map((s) => ({ value: s.id, label: s.name }))}
        />
        <Checkbox checked={unboundOnly} onChange={(event) => setFilter("unbound", event.target.checked ? "true" : undefined)}>
          {t("catalog.filter.unboundOnly")}
        </Checkbox>
        {params.size > 0 && <Button onClick={() => setParams(new URLSearchParams())}>{t("catalog.clear")}</Button>}
      </Space>
      {canAct && <SyncButton shopId={shopId} />}

      <section aria-label={t("catalog.section.unbound")}>
        <Typography.Title level={5}>{t("catalog.section.unbound")}</Typography.Title>
        <Typography.Paragraph type="secondary">
          {shop ? t("catalog.section.unboundInShop", { shop: shop.name }) : t("catalog.section.unboundAnywhere")}
        </Typography.Paragraph>
        <SkuTable
          query={{ ...query, unbound: true }}
          shopsInView={shopsInView}
          emptyText={shop ? t("catalog.empty.unboundInShop", { shop: shop.name }) : t("catalog.empty.unboundAnywhere")}
          testId="catalog-unbound"
        />
      </section>
      {!unboundOnly && (
        <section aria-label={t("catalog.section.bound")}>
          <Typography.Title level={5}>{t("catalog.section.bound")}</Typography.Title>
          <Typography.Paragraph type="secondary">
            {shop ? t("catalog.section.boundInShop", { shop: shop.name }) : t("catalog.section.boundAnywhere")}
          </Typography.Paragraph>
          <SkuTable query={{ ...query, unbound: false }} shopsInView={shopsInView} emptyText={t("catalog.empty")} testId="catalog-bound" />
        </section>
      )}
      <SkuTraceDrawer sku={params.get("trace")} onClose={() => setFilter("trace", undefined)} />
    </Space>
  );
}

/** Reads the chosen shop's listings from its platform (a task); opens the task to follow it. */
function SyncButton({ shopId }: { shopId: string | undefined }) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const navigate = useNavigate();
  const sync = useCatalogSync();
  const start = () =>
    shopId &&
    sync.mutate(shopId, {
      onSuccess: ({ task_id }) => {
        void message.success(t("catalog.syncStarted"));
        navigate(`/tasks/${task_id}`);
      },
      onError: (error) => void message.error(error.message),
    });
  return (
    <Tooltip title={shopId ? t("catalog.syncHelp") : t("catalog.syncPickShop")}>
      <Button icon={<SyncOutlined />} disabled={!shopId} loading={sync.isPending} onClick={start} data-testid="catalog-sync">
        {t("catalog.sync")}
      </Button>
    </Tooltip>
  );
}
