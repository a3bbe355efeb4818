import { useIsMutating } from "@tanstack/react-query";
import { Button, Drawer } from "antd";

import { useI18n } from "../../app/useI18n";
import { type AlertRule, alertKeys } from "./queries";
import { RuleForm } from "./RuleForm";

const FORM_ID = "alert-rule-form";

/** A rule's form in a drawer: `rule` "new" creates one. */
export function RuleDrawer({ rule, onClose }: { rule: AlertRule | "new" | null; onClose: () => void }) {
  const { t } = useI18n();
  const stored = rule === "new" ? null : rule;
  const saving = useIsMutating({ mutationKey: alertKeys.save }) > 0;
  return (
    <Drawer
      open={rule !== null}
      onClose={onClose}
      size={780}
      title={stored ? t("alerts.editTitle", { name: stored.name }) : t("alerts.new")}
      closable={{ "aria-label": t("alerts.close") }}
      destroyOnHidden
      data-testid="alert-rule-drawer"
      footer={
        <div style={{ display: "flex", justifyContent: "flex-end", gap: 8 }}>
          <Button onClick={onClose}>{t("common.cancel")}</Button>
          <Button type="primary" htmlType="submit" form={FORM_ID} loading={saving} data-testid="alert-rule-save">
            {stored ? t("alerts.save") : t("alerts.create")}
          </Button>
        </div>
      }
    >
      {rule !== null && <RuleForm key={stored ? `${stored.id}:${stored.updated_at}` : "new"} formId={FORM_ID} rule={stored} onSaved={onClose} />}
    </Drawer>
  );
}
