import { Alert, Button, Select, Space, Typography } from "antd";
import { useMemo } from "react";
import { useSearchParams } from "react-router-dom";

import { useI18n } from "../../app/useI18n";
import { usePermissions } from "../auth/hooks";
import { PLATFORM_LABEL } from "../board/format";
import { ConnectionDrawer } from "./ConnectionDrawer";
import { ConnectionsTable } from "./ConnectionsTable";
import { type DisplayHealth, HEALTH, HEALTH_STATES, healthOf, isBroken, needsAttention, type Shop, sortByUrgency } from "./health";
import { useAuthorize, useShopConnections } from "./queries";
import { useAuthorizedReturn } from "./useAuthorizedReturn";

// The health filter: one state, or every state that needs a person.
const ATTENTION = "attention";

/** Shop connections: each shop's authorisation health, what ends when and what is missing; admins send the seller
 * to the platform's authorisation page, which sends the browser back here with `?authorized=<shop_id>`.
 * Filters (`platform`, `health`) and the open drawer (`shop`) live in the URL. */
export default function ConnectionsPage() {
  const { t } = useI18n();
  const { isAdmin } = usePermissions();
  const [params, setParams] = useSearchParams();
  const shops = useShopConnections();
  const authorize = useAuthorize();

  const platform = params.get("platform") ?? undefined;
  const health = params.get("health") ?? undefined;
  const openShopId = params.get("shop");
  const authorized = params.get("authorized");

  const all = useMemo(() => shops.data?.items ?? [], [shops.data]);
  const rows = useMemo(
    () =>
      sortByUrgency(
        all.filter(
          (shop) =>
            (!platform || shop.platform === platform) &&
            (!health || (health === ATTENTION ? needsAttention(healthOf(shop)) : healthOf(shop) === health)),
        ),
      ),
    [all, platform, health],
  );

  const setParam = (name: "platform" | "health" | "shop", value: string | null | undefined) => {
    setParams(
      (current) => {
        const next = new URLSearchParams(current);
        if (value) next.set(name, value);
        else next.delete(name);
        return next;
      },
      { replace: name === "shop" && !value },
    );
  };

  useAuthorizedReturn(authorized, setParams);

  return (
    <Space orientation="vertical" size="middle" style={{ width: "100%" }}>
      <Typography.Text type="secondary">{t(isAdmin ? "connections.intro" : "connections.readOnly")}</Typography.Text>
      {all.length > 0 && <Summary shops={all} />}
      <Space wrap role="search" aria-label={t("connections.filters")}>
        <Select
          aria-label={t("connections.filter.platform")}
          allowClear
          placeholder={t("connections.filter.platform")}
          style={{ width: 180 }}
          value={platform}
          onChange={(value: string | undefined) => setParam("platform", value)}
          options={Object.entries(PLATFORM_LABEL).map(([value, label]) => ({ value, label }))}
          data-testid="filter-platform"
        />
        <Select
          aria-label={t("connections.filter.health")}
          allowClear
          placeholder={t("connections.filter.health")}
          style={{ width: 200 }}
          value={health}
          onChange={(value: string | undefined) => setParam("health", value)}
          options={[
            { value: ATTENTION, label: t("connections.filter.attention") },
            ...HEALTH_STATES.map((state) => ({ value: state, label: t(HEALTH[state].label) })),
          ]}
          data-testid="filter-health"
        />
        {(platform || health) && (
          <Button
            onClick={() =>
              setParams((current) => {
                const next = new URLSearchParams(current);
                next.delete("platform");
                next.delete("health");
                return next;
              })
            }
          >
            {t("connections.clear")}
          </Button>
        )}
      </Space>
      <ConnectionsTable
        shops={rows}
        loading={shops.isPending}
        filtered={Boolean(platform || health)}
        isAdmin={isAdmin}
        authorizing={authorize.isPending || authorize.isSuccess ? (authorize.variables ?? null) : null}
        onAuthorize={(shop) => authorize.mutate(shop.id)}
        onDetails={(shop) => setParam("shop", shop.id)}
      />
      <ConnectionDrawer shop={all.find((shop) => shop.id === openShopId) ?? null} onClose={() => setParam("shop", null)} />
    </Space>
  );
}

function Summary({ shops }: { shops: Shop[] }) {
  const { t } = useI18n();
  const states = shops.map(healthOf);
  const attention = states.filter(needsAttention).length;
  const notConnected = states.filter((state: DisplayHealth) => state === "none").length;
  const broken = states.some(isBroken);
  const headline: string =
    attention === 0
      ? t("connections.summary.allGood")
      : attention === 1
        ? t("connections.summary.attentionOne")
        : t("connections.summary.attention", { n: attention });
  const details: string[] = [
    ...(notConnected > 0 ? [t("connections.summary.notConnected", { n: notConnected })] : []),
    t("connections.summary.total", { total: shops.length }),
  ];
  const type: "error" | "warning" | "success" = broken ? "error" : attention > 0 ? "warning" : "success";
  return (
    <Alert
      type={type}
      showIcon
      title={
        <span data-testid="connections-summary">
          <Typography.Text strong>{headline}</Typography.Text>
          <Typography.Text type="secondary"> · {details.join(" · ")}</Typography.Text>
        </span>
      }
    />
  );
}
