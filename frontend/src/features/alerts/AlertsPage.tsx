import { Tabs } from "antd";
import { useSearchParams } from "react-router-dom";

import { Forbidden } from "../../app/Forbidden";
import { useI18n } from "../../app/useI18n";
import { usePermissions } from "../auth/hooks";
import { DeliveriesTab } from "./DeliveriesTab";
import { DELIVERY_STATUSES } from "./labels";
import type { DeliveryStatus } from "./queries";
import { RulesTab } from "./RulesTab";

/** Alert rules (create, edit, test-send) and what they sent: the tenant admins' screen. Tab and history filters live
 * in the URL: `?tab=deliveries&rule_id=<id>&status=<status>`. */
export default function AlertsPage() {
  const { isAdmin } = usePermissions();
  if (!isAdmin) return <Forbidden />;
  return <AlertsAdmin />;
}

function AlertsAdmin() {
  const { t } = useI18n();
  const [params, setParams] = useSearchParams();
  const tab = params.get("tab") === "deliveries" ? "deliveries" : "rules";
  const status = params.get("status") ?? "";
  const showDeliveries = (filter: { rule_id?: string; status?: DeliveryStatus }) => {
    const next = new URLSearchParams({ tab: "deliveries" });
    if (filter.rule_id) next.set("rule_id", filter.rule_id);
    if (filter.status) next.set("status", filter.status);
    setParams(next);
  };

  return (
    <Tabs
      activeKey={tab}
      onChange={(key) => (key === "deliveries" ? showDeliveries({}) : setParams({}))}
      items={[
        {
          key: "rules",
          label: <span data-testid="alerts-tab-rules">{t("alerts.tab.rules")}</span>,
          children: <RulesTab onShowDeliveries={(ruleId) => showDeliveries({ rule_id: ruleId })} />,
        },
        {
          key: "deliveries",
          label: <span data-testid="alerts-tab-deliveries">{t("alerts.tab.deliveries")}</span>,
          children: (
            <DeliveriesTab
              filter={{
                rule_id: params.get("rule_id") ?? undefined,
                status: Object.hasOwn(DELIVERY_STATUSES, status) ? (status as DeliveryStatus) : undefined,
              }}
              onFilter={showDeliveries}
            />
          ),
        },
      ]}
    />
  );
}
