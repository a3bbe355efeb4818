import { Badge, Tooltip, Typography } from "antd";

import { useI18n } from "../../app/useI18n";
import { DOT_HEX, type DisplayHealth, HEALTH } from "./health";

/** The connection's health as a coloured dot and its words; the tooltip says what it means and what to do. */
export function HealthDot({ health }: { health: DisplayHealth }) {
  const { t } = useI18n();
  const look = HEALTH[health];
  return (
    <Tooltip
      title={
        <>
          <Typography.Text strong style={{ color: "inherit" }}>
            {t(look.label)}
          </Typography.Text>
          <div data-testid="health-hint">{t(look.hint)}</div>
        </>
      }
    >
      <span data-testid="health" data-health={health} data-color={look.color} tabIndex={0} style={{ cursor: "help", whiteSpace: "nowrap" }}>
        <Badge color={DOT_HEX[look.color]} text={t(look.label)} />
      </span>
    </Tooltip>
  );
}
