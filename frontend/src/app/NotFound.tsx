import { Button, Result } from "antd";
import { Link } from "react-router-dom";

import { useI18n } from "./useI18n";

export default function NotFound() {
  const { t } = useI18n();
  return (
    <Result
      status="404"
      title={t("notFound.title")}
      extra={
        <Link to="/">
          <Button type="primary">{t("notFound.back")}</Button>
        </Link>
      }
    />
  );
}
