import { DeleteOutlined, PlusOutlined } from "@ant-design/icons";
import { App, Button, Card, Form, Input, InputNumber, Space, Typography } from "antd";
import { useEffect } from "react";

import { useI18n } from "../../app/useI18n";
import { usePermissions } from "../auth/hooks";
import { useSettings, useUpdateSettings } from "./hooks";

interface Values {
  reporting_currency: string;
  price_spread_pct: number;
  rates: { currency: string; rate: string }[];
}

const CURRENCY = /^[A-Z]{3}$/;

/** The SKU page compares shop prices in one currency: the tenant's FX table and the spread that flags a SKU. */
export function PriceTracingCard() {
  const { t } = useI18n();
  const { message } = App.useApp();
  const { isAdmin } = usePermissions();
  const settings = useSettings();
  const update = useUpdateSettings();
  const [form] = Form.useForm<Values>();

  useEffect(() => {
    if (!settings.data) return;
    const { reporting_currency, price_spread_pct, fx_rates } = settings.data;
    const rates = Object.entries(fx_rates ?? {}).map(([currency, rate]) => ({ currency, rate: String(rate) }));
    form.setFieldsValue({ reporting_currency, price_spread_pct, rates });
  }, [form, settings.data]);

  const save = ({ reporting_currency, price_spread_pct, rates }: Values) =>
    update.mutate(
      { reporting_currency, price_spread_pct, fx_rates: Object.fromEntries(rates.map((r) => [r.currency, r.rate])) },
      { onSuccess: () => void message.success(t("settings.saved")), onError: (error) => void message.error(error.message) },
    );

  return (
    <Card title={t("settings.pricing")}>
      <Typography.Paragraph type="secondary">{t("settings.pricingHelp")}</Typography.Paragraph>
      <Form<Values> form={form} layout="vertical" onFinish={save} disabled={!isAdmin} data-testid="price-tracing-settings">
        <Space size="large" wrap>
          <Form.Item name="reporting_currency" label={t("settings.reportingCurrency")} rules={[{ pattern: CURRENCY, required: true, message: t("settings.currencyCode") }]}>
            <Input style={{ width: 120 }} maxLength={3} aria-label={t("settings.reportingCurrency")} />
          </Form.Item>
          <Form.Item name="price_spread_pct" label={t("settings.spreadLimit")} rules={[{ required: true }]}>
            <InputNumber min={1} max={1000} addonAfter="%" aria-label={t("settings.spreadLimit")} />
          </Form.Item>
        </Space>
        <Typography.Text strong>{t("settings.fxRates")}</Typography.Text>
        <Form.List name="rates">
          {(fields, { add, remove }) => (
            <div style={{ marginTop: 8 }}>
              {fields.map((field) => (
                <Space key={field.key} align="baseline" data-testid="fx-rate">
                  <Form.Item name={[field.name, "currency"]} rules={[{ pattern: CURRENCY, required: true, message: t("settings.currencyCode") }]}>
                    <Input placeholder="USD" style={{ width: 90 }} maxLength={3} aria-label={t("settings.fxCurrency")} />
                  </Form.Item>
                  <Typography.Text type="secondary">=</Typography.Text>
                  <Form.Item name={[field.name, "rate"]} rules={[{ pattern: /^\d+(\.\d{1,8})?$/, required: true, message: t("settings.fxRateFormat") }]}>
                    <Input placeholder="7.1" style={{ width: 140 }} aria-label={t("settings.fxRate")} />
                  </Form.Item>
                  <Typography.Text type="secondary">{form.getFieldValue("reporting_currency")}</Typography.Text>
                  {isAdmin && <Button type="text" icon={<DeleteOutlined />} aria-label={t("settings.fxRemove")} onClick={() => remove(field.name)} />}
                </Space>
              ))}
              {isAdmin && (
                <Button icon={<PlusOutlined />} onClick={() => add({ currency: "", rate: "" })} style={{ marginBottom: 16 }}>
                  {t("settings.fxAdd")}
                </Button>
              )}
            </div>
          )}
        </Form.List>
        {isAdmin && (
          <div>
            <Button type="primary" htmlType="submit" loading={update.isPending}>
              {t("settings.savePricing")}
            </Button>
          </div>
        )}
      </Form>
    </Card>
  );
}
