import { Typography } from "antd";

import { useI18n } from "../../app/useI18n";
import { useTenantTime } from "../settings/tenantTime";
import { relativeTo } from "./relative";

/** A time as words relative to now ("in 2 days") over its wall-clock time in the tenant's zone. */
export function TimeCell({
  value,
  now,
  empty,
  tone,
  testId,
}: {
  value: string | null | undefined;
  now: number;
  empty: string;
  /** "danger" when it has passed (an authorisation that ended), "warning" when it is near. */
  tone?: "danger" | "warning";
  testId?: string;
}) {
  const { t } = useI18n();
  const time = useTenantTime();
  if (!value) {
    return (
      <Typography.Text type="secondary" data-testid={testId}>
        {empty}
      </Typography.Text>
    );
  }
  const relative = relativeTo(value, now);
  return (
    <div data-testid={testId} data-past={relative.past}>
      <Typography.Text type={tone} strong={tone !== undefined}>
        {t(relative.key, relative.vars)}
      </Typography.Text>
      <div>
        <Typography.Text type="secondary" style={{ fontSize: 12, whiteSpace: "nowrap" }}>
          {time.format(value, "YYYY-MM-DD HH:mm")}
        </Typography.Text>
      </div>
    </div>
  );
}
