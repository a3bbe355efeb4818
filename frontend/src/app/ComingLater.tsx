import { Empty } from "antd";

import type { MessageKey } from "./language";
import { useI18n } from "./useI18n";

/** The honest placeholder of a screen whose API has not been released yet: no fake data. */
export function ComingLater({ screen }: { screen: MessageKey }) {
  const { t } = useI18n();
  return (
    <div style={{ padding: "64px 0" }} data-testid="coming-later">
      <Empty
        image={Empty.PRESENTED_IMAGE_SIMPLE}
        description={
          <>
            <div style={{ fontSize: 16, fontWeight: 500 }}>{t("comingLater.title", { screen: t(screen) })}</div>
            <div style={{ color: "rgba(0,0,0,0.45)", marginTop: 8 }}>{t("comingLater.subtitle")}</div>
          </>
        }
      />
    </div>
  );
}
