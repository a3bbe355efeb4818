import { Col, Divider, Form, Input, InputNumber, Radio, Row, Select, Switch, Typography } from "antd";
import { useEffect, useMemo } from "react";

import { ApiError } from "../../api/client";
import { useI18n } from "../../app/useI18n";
import { ProblemAlert } from "../../components/ProblemAlert";
import { PLATFORM_LABEL } from "../board/format";
import { CONFIG_FIELDS, type FieldName, mapInvalidParams, type StrategyFormValues } from "./form";
import { type Kind, useShops } from "./hooks";
import { KIND_LABELS, KINDS } from "./labels";

const ROUNDINGS = ["0.01", "0.99", "1"] as const;

/**
 * Create or edit one strategy: the kind picks its config fields; an API refusal (problem+json invalid_params)
 * lands on the field it names, anything else above the form.
 */
export function StrategyForm({
  initial,
  editing,
  readOnly,
  error,
  onSubmit,
  formId,
}: {
  initial: StrategyFormValues;
  editing: boolean;
  readOnly: boolean;
  error: unknown;
  onSubmit: (values: StrategyFormValues) => void;
  formId: string;
}) {
  const { t } = useI18n();
  const [form] = Form.useForm<StrategyFormValues>();
  const kind: Kind = Form.useWatch("kind", form) ?? initial.kind;
  const shops = useShops();
  const shown = new Set<FieldName>(CONFIG_FIELDS[kind]);

  const apiErrors = useMemo(
    () => (error instanceof ApiError ? mapInvalidParams(error.invalidParams, kind) : null),
    [error, kind],
  );
  useEffect(() => {
    if (apiErrors) form.setFields(apiErrors.fields);
  }, [apiErrors, form]);
  const unplaced = error instanceof ApiError ? (apiErrors?.others ?? []) : [];

  const shopOptions = (shops.data?.items ?? []).map((shop) => ({
    value: shop.id,
    label: `${shop.name} · ${PLATFORM_LABEL[shop.platform] ?? shop.platform} ${shop.market}`,
  }));
  const required = { required: true, message: t("strategies.form.required") };

  return (
    <Form<StrategyFormValues>
      id={formId}
      form={form}
      layout="vertical"
      initialValues={initial}
      disabled={readOnly}
      onFinish={onSubmit}
      data-testid="strategy-form"
    >
      <ProblemAlert error={error} unplaced={unplaced} testId="strategy-form-error" />
      <Row gutter={16}>
        <Col xs={24} md={14}>
          <Form.Item name="name" label={t("strategies.col.name")} rules={[{ ...required, whitespace: true }]}>
            <Input maxLength={200} placeholder={t("strategies.form.namePlaceholder")} />
          </Form.Item>
        </Col>
        <Col xs={24} md={10}>
          <Form.Item name="kind" label={t("strategies.col.kind")} extra={editing ? t("strategies.form.kindFixed") : undefined}>
            <Select
              aria-label={t("strategies.col.kind")}
              disabled={editing || readOnly}
              options={KINDS.map((value) => ({ value, label: t(KIND_LABELS[value]) }))}
            />
          </Form.Item>
        </Col>
      </Row>
      <Form.Item
        name="shop_ids"
        label={t("strategies.col.shops")}
        rules={[{ ...required, type: "array", min: 1, message: t("strategies.form.shopsRequired") }]}
      >
        <Select
          mode="multiple"
          aria-label={t("strategies.col.shops")}
          loading={shops.isPending}
          options={shopOptions}
          optionFilterProp="label"
          placeholder={t("strategies.form.shopsPlaceholder")}
        />
      </Form.Item>

      <Divider titlePlacement="start" plain>
        {t(KIND_LABELS[kind])} · {t("strategies.form.config")}
      </Divider>
      <Row gutter={16}>
        {shown.has("markup_pct") && (
          <Col xs={24} md={8}>
            <Form.Item name="markup_pct" label={t("strategies.config.markup_pct")} extra={t("strategies.config.markupHelp")} rules={[required]}>
              <InputNumber stringMode min="-99.9999" max="1000" step="0.5" suffix="%" style={{ width: "100%" }} aria-label={t("strategies.config.markup_pct")} />
            </Form.Item>
          </Col>
        )}
        {shown.has("min_price") && (
          <Col xs={12} md={8}>
            <Form.Item name="min_price" label={t("strategies.config.min_price")} extra={t("strategies.config.boundHelp")}>
              <InputNumber stringMode min="0.0001" style={{ width: "100%" }} aria-label={t("strategies.config.min_price")} />
            </Form.Item>
          </Col>
        )}
        {shown.has("max_price") && (
          <Col xs={12} md={8}>
            <Form.Item
              name="max_price"
              label={t("strategies.config.max_price")}
              dependencies={["min_price"]}
              rules={[
                ({ getFieldValue }) => ({
                  validator: (_rule, value: string | null) => {
                    const min = getFieldValue("min_price") as string | null;
                    return value && min && Number(value) < Number(min)
                      ? Promise.reject(new Error(t("strategies.config.maxBelowMin")))
                      : Promise.resolve();
                  },
                }),
              ]}
            >
              <InputNumber stringMode min="0.0001" style={{ width: "100%" }} aria-label={t("strategies.config.max_price")} />
            </Form.Item>
          </Col>
        )}
        {shown.has("round_to") && (
          <Col xs={24} md={shown.has("min_price") ? 24 : 16}>
            <Form.Item name="round_to" label={t("strategies.config.round_to")}>
              <Radio.Group aria-label={t("strategies.config.round_to")}>
                {ROUNDINGS.map((value) => (
                  <Radio.Button key={value} value={value}>
                    {t(`strategies.config.round.${value}`)}
                  </Radio.Button>
                ))}
              </Radio.Group>
            </Form.Item>
          </Col>
        )}
        {shown.has("share_pct") && (
          <Col xs={12} md={8}>
            <Form.Item name="share_pct" label={t("strategies.config.share_pct")} extra={t("strategies.config.shareHelp")} rules={[required]}>
              <InputNumber stringMode min="0" max="100" suffix="%" style={{ width: "100%" }} aria-label={t("strategies.config.share_pct")} />
            </Form.Item>
          </Col>
        )}
        {shown.has("safety_stock") && (
          <Col xs={12} md={8}>
            <Form.Item name="safety_stock" label={t("strategies.config.safety_stock")} extra={t("strategies.config.safetyHelp")} rules={[required]}>
              <InputNumber min={0} precision={0} style={{ width: "100%" }} aria-label={t("strategies.config.safety_stock")} />
            </Form.Item>
          </Col>
        )}
      </Row>
      {kind === "listing_publish" && (
        <Typography.Paragraph type="secondary" style={{ marginTop: -8 }}>
          {t("strategies.config.listingHelp")}
        </Typography.Paragraph>
      )}

      <Divider titlePlacement="start" plain>
        {t("strategies.form.scope")}
      </Divider>
      <Row gutter={16}>
        <Col xs={24} md={14}>
          <Form.Item name="skus" label={t("strategies.form.skus")} extra={t("strategies.form.skusHelp")}>
            <Select mode="tags" aria-label={t("strategies.form.skus")} tokenSeparators={[",", " ", "\n"]} open={false} placeholder={t("strategies.form.skusPlaceholder")} />
          </Form.Item>
        </Col>
        <Col xs={24} md={10}>
          <Form.Item name="prefix" label={t("strategies.form.prefix")} extra={t("strategies.form.prefixHelp")}>
            <Input maxLength={200} placeholder="SKU-" />
          </Form.Item>
        </Col>
        <Col xs={24} md={14}>
          <Form.Item name="schedule" label={t("strategies.col.schedule")} extra={t("strategies.form.scheduleHelp")}>
            <Input maxLength={100} placeholder="0 */2 * * *" style={{ fontFamily: "monospace" }} />
          </Form.Item>
        </Col>
        <Col xs={12} md={5}>
          <Form.Item name="is_active" label={t("strategies.col.active")} valuePropName="checked">
            <Switch aria-label={t("strategies.col.active")} />
          </Form.Item>
        </Col>
        <Col xs={12} md={5}>
          <Form.Item name="monitoring_enabled" label={t("strategies.col.monitoring")} valuePropName="checked" tooltip={t("strategies.form.monitoringHelp")}>
            <Switch aria-label={t("strategies.col.monitoring")} />
          </Form.Item>
        </Col>
      </Row>

      <Divider titlePlacement="start" plain>
        {t("strategies.form.approvalPolicy")}
      </Divider>
      <Row gutter={16}>
        <Col xs={24} md={14}>
          <Form.Item name="max_price_cut_pct" label={t("strategies.policy.max_price_cut_pct")} extra={t("strategies.policy.cutHelp")}>
            <InputNumber stringMode min="0" max="100" suffix="%" style={{ width: "100%" }} aria-label={t("strategies.policy.max_price_cut_pct")} />
          </Form.Item>
        </Col>
        <Col xs={24} md={10}>
          <Form.Item name="hold_stock_to_zero" label={t("strategies.policy.hold_stock_to_zero")} valuePropName="checked" extra={t("strategies.policy.holdHelp")}>
            <Switch aria-label={t("strategies.policy.hold_stock_to_zero")} />
          </Form.Item>
        </Col>
      </Row>
    </Form>
  );
}
