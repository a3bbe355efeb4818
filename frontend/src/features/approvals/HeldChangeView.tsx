import { Space, Tag, Typography } from "antd";

import { useI18n } from "../../app/useI18n";
import type { HeldChange } from "./change";

/** "100.00 → 59.00 PHP  -41 %": the last applied value struck through, the waiting one in bold. */
export function HeldChangeView({ operation, change }: { operation: string; change: HeldChange }) {
  const { t } = useI18n();
  return (
    <Space size={6} wrap data-testid="held-change">
      <Typography.Text type="secondary">{t(operation === "stock" ? "approvals.stock" : "approvals.price")}</Typography.Text>
      {change.before !== null ? (
        <Typography.Text delete type="secondary">
          {change.before}
        </Typography.Text>
      ) : (
        <Typography.Text type="secondary">{t("approvals.noPrevious")}</Typography.Text>
      )}
      <span aria-hidden>→</span>
      <Typography.Text strong>{change.after}</Typography.Text>
      {change.unit && <Typography.Text type="secondary">{change.unit}</Typography.Text>}
      {change.percent !== null && (
        <Tag color={change.percent < 0 ? "red" : "green"}>
          {change.percent > 0 ? "+" : ""}
          {change.percent} %
        </Tag>
      )}
    </Space>
  );
}
