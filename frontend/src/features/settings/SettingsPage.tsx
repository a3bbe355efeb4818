import { Alert, App, Button, Card, Form, Radio, Select, Skeleton, Space, Typography } from "antd";
import { useEffect, useMemo } from "react";

import type { Language } from "../../app/language";
import { useI18n } from "../../app/useI18n";
import { usePermissions } from "../auth/hooks";
import { type SettingsUpdate, useSettings, useUpdateSettings } from "./hooks";
import { PriceTracingCard } from "./PriceTracingCard";
import { useTenantTime } from "./tenantTime";
import { timeZoneOptions } from "./timeZones";

type Values = Required<{ [K in "retention_days" | "timezone" | "language"]: NonNullable<SettingsUpdate[K]> }>;

const LANGUAGES: { value: Language; label: string }[] = [
  { value: "zh-CN", label: "简体中文" },
  { value: "en", label: "English" },
];

export default function SettingsPage() {
  return (
    <Space orientation="vertical" size="large" style={{ width: "100%", maxWidth: 720 }}>
      <TenantSettingsCard />
      <PriceTracingCard />
      <BrowserLanguageCard />
    </Space>
  );
}

/** The tenant's settings: admins change them, everyone else sees them read-only. */
function TenantSettingsCard() {
  const { t } = useI18n();
  const { message } = App.useApp();
  const { isAdmin } = usePermissions();
  const settings = useSettings();
  const update = useUpdateSettings();
  const time = useTenantTime();
  const [form] = Form.useForm<Values>();
  const zones = useMemo(() => timeZoneOptions(settings.data?.timezone), [settings.data?.timezone]);

  useEffect(() => {
    if (settings.data) {
      const { retention_days, timezone, language } = settings.data;
      form.setFieldsValue({ retention_days, timezone, language });
    }
  }, [form, settings.data]);

  const save = (values: Values) =>
    update.mutate(values, { onSuccess: () => void message.success(t("settings.saved")) });

  return (
    <Card title={t("settings.tenantSettings")}>
      {settings.isPending ? (
        <Skeleton active />
      ) : (
        <Form<Values> form={form} layout="vertical" onFinish={save} disabled={!isAdmin} data-testid="tenant-settings">
          {!isAdmin && (
            <Alert type="info" showIcon title={t("settings.adminOnly")} style={{ marginBottom: 24 }} />
          )}
          <Form.Item name="retention_days" label={t("settings.retention")} extra={t("settings.retentionHelp")}>
            <Radio.Group
              optionType="button"
              options={[30, 90, 180].map((days) => ({ value: days, label: t("settings.days", { days }) }))}
            />
          </Form.Item>
          <Form.Item name="timezone" label={t("settings.timezone")} extra={t("settings.timezoneHelp")}>
            <Select
              showSearch
              options={zones}
              optionFilterProp="label"
              style={{ maxWidth: 360 }}
              aria-label={t("settings.timezone")}
            />
          </Form.Item>
          <Form.Item name="language" label={t("settings.tenantLanguage")} extra={t("settings.tenantLanguageHelp")}>
            <Radio.Group optionType="button" options={LANGUAGES} />
          </Form.Item>
          {settings.data && (
            <Typography.Paragraph type="secondary">
              {t("settings.updatedAt", { time: time.format(settings.data.updated_at, "YYYY-MM-DD HH:mm") })}
            </Typography.Paragraph>
          )}
          {isAdmin && (
            <Button type="primary" htmlType="submit" loading={update.isPending}>
              {t("settings.save")}
            </Button>
          )}
        </Form>
      )}
    </Card>
  );
}

/** The interface language is this browser's choice and works for every role. */
function BrowserLanguageCard() {
  const { language, setLanguage, t } = useI18n();
  return (
    <Card title={t("settings.language")}>
      <Typography.Paragraph type="secondary">{t("settings.languageHelp")}</Typography.Paragraph>
      <Radio.Group
        value={language}
        onChange={(event) => setLanguage(event.target.value as Language)}
        optionType="button"
        options={LANGUAGES}
        aria-label={t("settings.language")}
      />
    </Card>
  );
}
