import { Button, Result, Spin } from "antd";
import type { ReactNode } from "react";
import { Navigate, useLocation } from "react-router-dom";

import { ApiError } from "../api/client";
import { useMe } from "../features/auth/hooks";
import { useI18n } from "./useI18n";

/** Renders its children for a signed-in user; sends anyone else to /login, remembering where they were going. */
export function AuthGuard({ children }: { children: ReactNode }) {
  const me = useMe();
  const location = useLocation();
  const { t } = useI18n();

  if (me.isPending) {
    return (
      <div style={{ display: "grid", placeItems: "center", height: "100vh" }}>
        <Spin size="large" aria-label={t("common.loading")} />
      </div>
    );
  }
  if (me.error) {
    if (me.error instanceof ApiError && me.error.status === 401) {
      return <Navigate to="/login" replace state={{ from: location.pathname + location.search }} />;
    }
    return (
      <Result
        status="error"
        title={me.error.message}
        extra={<Button onClick={() => void me.refetch()}>{t("common.retry")}</Button>}
      />
    );
  }
  return children;
}
