import { App, Button, Checkbox, Col, Divider, Form, Input, InputNumber, Radio, Row, Select, Space, Switch, TimePicker, Typography } from "antd";
import dayjs, { type Dayjs } from "dayjs";
import { useState } from "react";

import { ApiError, type InvalidParam } from "../../api/client";
import { placeInvalidParams } from "../../api/invalidParams";
import { useI18n } from "../../app/useI18n";
import { ProblemAlert } from "../../components/ProblemAlert";
import { PLATFORMS, SEVERITIES } from "../board/filters";
import { PLATFORM_LABEL } from "../board/format";
import { ChannelsField } from "./ChannelsField";
import { conditionOf, fieldOf, NEW_RULE, type RuleFormValues, toCreateBody, toFormValues, toPatchBody, WINDOW_PRESETS } from "./form";
import { CONDITION_KIND_ORDER, CONDITION_KINDS } from "./labels";
import { type AlertRule, type ConditionKind, useErrorTypes, useSaveAlertRule, useShops, useStrategies } from "./queries";
import { conditionInWords, durationInWords } from "./words";

const UNHANDLED_PRESETS = [30, 120, 1440] as const;
const HOURS = Array.from({ length: 24 }, (_, hour) => hour);

// The quiet hours travel as "HH:MM"; the picker holds a day.js value.
const clockProps = (value: string | null | undefined) => ({ value: value ? dayjs(`2000-01-01T${value}:00`) : null });
const toClock = (value: Dayjs | null | undefined) => (value ? value.format("HH:mm") : null);

/**
 * Create or edit one alert rule. A refusal (problem+json invalid_params, e.g. `channels[0].url`) lands on the field
 * it names; the rest shows above the form. Editing, the channels go in the PATCH only when the user touched them.
 */
export function RuleForm({ rule, formId, onSaved }: { rule: AlertRule | null; formId: string; onSaved: () => void }) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const [form] = Form.useForm<RuleFormValues>();
  const save = useSaveAlertRule();
  const types = useErrorTypes();
  const shops = useShops();
  const strategies = useStrategies();
  const [initial] = useState<RuleFormValues>(() => (rule ? toFormValues(rule) : NEW_RULE));
  const [touched, setTouched] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [unplaced, setUnplaced] = useState<InvalidParam[]>([]);
  const editing = rule !== null;

  const watched = Form.useWatch([], form) as Partial<RuleFormValues> | undefined;
  const kind: ConditionKind = watched?.kind ?? initial.kind;
  const current = { ...initial, ...watched } as RuleFormValues;
  const typeTitle = new Map((types.data?.items ?? []).map((type) => [type.code, type.title]));
  const preview = conditionInWords(conditionOf(current), t, (code) => typeTitle.get(code) ?? code);

  const submit = () => {
    const values = form.getFieldsValue(true) as RuleFormValues;
    setError(null);
    setUnplaced([]);
    save.mutate(rule ? { id: rule.id, body: toPatchBody(values, touched) } : { id: null, body: toCreateBody(values) }, {
      onSuccess: (saved) => {
        void message.success(t(rule ? "alerts.saved" : "alerts.created", { name: saved.name }));
        onSaved();
      },
      onError: (failure) => {
        setError(failure);
        if (!(failure instanceof ApiError)) return;
        const placed = placeInvalidParams(failure.invalidParams, (path) => fieldOf(path, values));
        // The paths come from the API's names, checked by fieldOf against the form's own fields.
        form.setFields(placed.fields as Parameters<typeof form.setFields>[0]);
        setUnplaced(placed.others);
        // After the alert above the form has rendered (it moves the fields down).
        const first = placed.fields[0];
        if (first) requestAnimationFrame(() => form.scrollToField(first.name, { block: "center", scrollMode: "always" }));
      },
    });
  };

  const restoreChannels = () => {
    form.resetFields(["channels"]);
    setTouched(false);
  };

  const typeOptions = (types.data?.items ?? []).map((type) => ({ value: type.code, label: type.title }));
  const required = { required: true, message: t("alerts.form.required") };
  const presetButtons = (field: "window_minutes" | "minutes", presets: readonly number[]) => (
    <Space size={4}>
      {presets.map((minutes) => (
        <Button key={minutes} size="small" onClick={() => form.setFields([{ name: field, value: minutes, errors: [] }])}>
          {durationInWords(minutes, t)}
        </Button>
      ))}
    </Space>
  );

  return (
    <Form<RuleFormValues>
      id={formId}
      form={form}
      layout="vertical"
      initialValues={initial}
      onFinish={submit}
      onValuesChange={(changed: Partial<RuleFormValues>) => {
        if (editing && "channels" in changed) setTouched(true);
      }}
      data-testid="alert-rule-form"
    >
      <ProblemAlert error={error} unplaced={unplaced} testId="alert-rule-form-error" />
      <Row gutter={16}>
        <Col xs={24} md={18}>
          <Form.Item name="name" label={t("alerts.col.name")} rules={[{ ...required, whitespace: true }]}>
            <Input maxLength={200} placeholder={t("alerts.form.namePlaceholder")} />
          </Form.Item>
        </Col>
        <Col xs={24} md={6}>
          <Form.Item name="is_active" label={t("alerts.col.active")} valuePropName="checked">
            <Switch aria-label={t("alerts.col.active")} />
          </Form.Item>
        </Col>
      </Row>

      <Divider titlePlacement="start" plain>
        {t("alerts.form.condition")}
      </Divider>
      <Form.Item name="kind">
        <Radio.Group aria-label={t("alerts.form.conditionKind")} optionType="button" buttonStyle="solid">
          {CONDITION_KIND_ORDER.map((value) => (
            <Radio.Button key={value} value={value} data-testid={`alert-condition-${value}`}>
              {t(CONDITION_KINDS[value])}
            </Radio.Button>
          ))}
        </Radio.Group>
      </Form.Item>
      {kind === "count" && (
        <Row gutter={16}>
          <Col xs={24} md={8}>
            <Form.Item name="threshold" label={t("alerts.form.threshold")} rules={[required]} extra={t("alerts.form.thresholdHelp")}>
              <InputNumber min={0} precision={0} style={{ width: "100%" }} aria-label={t("alerts.form.threshold")} />
            </Form.Item>
          </Col>
          <Col xs={24} md={16}>
            <Form.Item name="window_minutes" label={t("alerts.form.window")} rules={[required]} extra={presetButtons("window_minutes", WINDOW_PRESETS)}>
              <InputNumber min={1} max={10080} precision={0} suffix={t("alerts.form.minutesUnit")} style={{ width: 200 }} aria-label={t("alerts.form.window")} />
            </Form.Item>
          </Col>
        </Row>
      )}
      {kind === "any" && (
        <Form.Item
          name="error_types"
          label={t("alerts.form.errorTypes")}
          extra={t("alerts.form.errorTypesHelp")}
          rules={[{ ...required, type: "array", min: 1, message: t("alerts.form.errorTypesRequired") }]}
        >
          <Select mode="multiple" aria-label={t("alerts.form.errorTypes")} loading={types.isPending} options={typeOptions} optionFilterProp="label" />
        </Form.Item>
      )}
      {kind === "unhandled_for" && (
        <Row gutter={16}>
          <Col xs={24} md={14}>
            <Form.Item name="minutes" label={t("alerts.form.unhandledFor")} rules={[required]} extra={presetButtons("minutes", UNHANDLED_PRESETS)}>
              <InputNumber min={1} max={43200} precision={0} suffix={t("alerts.form.minutesUnit")} style={{ width: 200 }} aria-label={t("alerts.form.unhandledFor")} />
            </Form.Item>
          </Col>
          <Col xs={24} md={10}>
            <Form.Item name="unassigned" valuePropName="checked" label=" " extra={t("alerts.form.unassignedHelp")}>
              <Checkbox>{t("alerts.form.unassigned")}</Checkbox>
            </Form.Item>
          </Col>
        </Row>
      )}
      <Typography.Paragraph type="secondary" data-testid="alert-condition-preview">
        {t("alerts.form.preview", { words: preview })}
      </Typography.Paragraph>

      <Divider titlePlacement="start" plain>
        {t("alerts.form.filters")}
      </Divider>
      <Typography.Paragraph type="secondary" style={{ marginTop: -8 }}>
        {t("alerts.form.filtersHelp")}
      </Typography.Paragraph>
      <Row gutter={16}>
        <Col xs={24} md={8}>
          <Form.Item name="severity" label={t("alerts.filter.severity")}>
            <Select mode="multiple" allowClear aria-label={t("alerts.filter.severity")} options={SEVERITIES.map((value) => ({ value, label: t(`board.tab.${value}`) }))} />
          </Form.Item>
        </Col>
        <Col xs={24} md={16}>
          <Form.Item name="error_type" label={t("alerts.filter.errorType")}>
            <Select mode="multiple" allowClear aria-label={t("alerts.filter.errorType")} loading={types.isPending} options={typeOptions} optionFilterProp="label" maxTagCount="responsive" />
          </Form.Item>
        </Col>
        <Col xs={24} md={8}>
          <Form.Item name="platform" label={t("alerts.filter.platform")}>
            <Select mode="multiple" allowClear aria-label={t("alerts.filter.platform")} options={PLATFORMS.map((value) => ({ value, label: PLATFORM_LABEL[value] ?? value }))} />
          </Form.Item>
        </Col>
        <Col xs={24} md={16}>
          <Form.Item name="shop_id" label={t("alerts.filter.shop")}>
            <Select
              mode="multiple"
              allowClear
              aria-label={t("alerts.filter.shop")}
              loading={shops.isPending}
              options={(shops.data?.items ?? []).map((shop) => ({ value: shop.id, label: shop.name }))}
              optionFilterProp="label"
              maxTagCount="responsive"
            />
          </Form.Item>
        </Col>
        <Col xs={24}>
          <Form.Item name="strategy_id" label={t("alerts.filter.strategy")}>
            <Select
              mode="multiple"
              allowClear
              aria-label={t("alerts.filter.strategy")}
              loading={strategies.isPending}
              options={(strategies.data?.items ?? []).map((strategy) => ({ value: strategy.id, label: strategy.name }))}
              optionFilterProp="label"
              maxTagCount="responsive"
            />
          </Form.Item>
        </Col>
      </Row>

      <Divider titlePlacement="start" plain>
        {t("alerts.form.channels")}
      </Divider>
      <ChannelsField editing={editing} touched={touched} onRestore={restoreChannels} />

      <Divider titlePlacement="start" plain>
        {t("alerts.form.sending")}
      </Divider>
      <Row gutter={16}>
        <Col xs={24} md={6}>
          <Form.Item name="cooldown_minutes" label={t("alerts.col.cooldown")} rules={[required]} tooltip={t("alerts.form.cooldownHelp")}>
            <InputNumber min={0} max={10080} precision={0} suffix={t("alerts.form.minutesUnit")} style={{ width: "100%" }} aria-label={t("alerts.col.cooldown")} />
          </Form.Item>
        </Col>
        <Col xs={12} md={5}>
          <Form.Item
            name="quiet_start"
            label={t("alerts.form.quietStart")}
            tooltip={t("alerts.form.quietHelp")}
            getValueProps={clockProps}
            normalize={toClock}
            dependencies={["quiet_end"]}
            rules={[
              ({ getFieldValue }) => ({
                validator: async (_rule, value: string | null) => {
                  if (!value && getFieldValue("quiet_end")) throw new Error(t("alerts.form.quietBoth"));
                },
              }),
            ]}
          >
            <TimePicker format="HH:mm" style={{ width: "100%" }} aria-label={t("alerts.form.quietStart")} />
          </Form.Item>
        </Col>
        <Col xs={12} md={5}>
          <Form.Item
            name="quiet_end"
            label={t("alerts.form.quietEnd")}
            getValueProps={clockProps}
            normalize={toClock}
            dependencies={["quiet_start"]}
            rules={[
              ({ getFieldValue }) => ({
                validator: async (_rule, value: string | null) => {
                  const start = getFieldValue("quiet_start") as string | null;
                  if (!value && start) throw new Error(t("alerts.form.quietBoth"));
                  if (value && start === value) throw new Error(t("alerts.form.quietSame"));
                },
              }),
            ]}
          >
            <TimePicker format="HH:mm" style={{ width: "100%" }} aria-label={t("alerts.form.quietEnd")} />
          </Form.Item>
        </Col>
        <Col xs={24} md={8}>
          <Form.Item name="digest_hour" label={t("alerts.col.digest")} tooltip={t("alerts.form.digestHelp")}>
            <Select
              allowClear
              aria-label={t("alerts.col.digest")}
              placeholder={t("alerts.form.noDigest")}
              options={HOURS.map((hour) => ({ value: hour, label: `${String(hour).padStart(2, "0")}:00` }))}
            />
          </Form.Item>
        </Col>
      </Row>
    </Form>
  );
}
