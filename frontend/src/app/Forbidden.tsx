import { Result } from "antd";

import { useI18n } from "./useI18n";

export function Forbidden() {
  const { t } = useI18n();
  return <Result status="403" title={t("forbidden.title")} subTitle={t("forbidden.subtitle")} />;
}
