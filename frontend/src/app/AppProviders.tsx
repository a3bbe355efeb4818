import { App as AntApp, ConfigProvider } from "antd";
import enUS from "antd/locale/en_US";
import zhCN from "antd/locale/zh_CN";
import type { ReactNode } from "react";

import { QueryProvider } from "./QueryProvider";
import { useI18n } from "./useI18n";

export function AppProviders({ children }: { children: ReactNode }) {
  const { language } = useI18n();
  return (
    <ConfigProvider locale={language === "en" ? enUS : zhCN} theme={{ token: { colorPrimary: "#d4380d" } }}>
      <AntApp>
        <QueryProvider>{children}</QueryProvider>
      </AntApp>
    </ConfigProvider>
  );
}
