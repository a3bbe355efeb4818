import { DeleteOutlined, MinusCircleOutlined, PlusOutlined } from "@ant-design/icons";
import { Button, Card, Col, Form, Input, Row, Select, Typography } from "antd";

import type { MessageKey } from "../../app/language";
import { useI18n } from "../../app/useI18n";
import type { RuleFormValues } from "./form";
import { CHANNEL_KIND_ORDER, CHANNEL_KINDS } from "./labels";
import { type ChannelKind, useUsers } from "./queries";

const URL_PLACEHOLDER: Record<Exclude<ChannelKind, "email">, string> = {
  wecom: "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=…",
  dingtalk: "https://oapi.dingtalk.com/robot/send?access_token=…",
  feishu: "https://open.feishu.cn/open-apis/bot/v2/hook/…",
  webhook: "https://erp.example.com/hooks/openclaw",
};
const SECRET_LABEL: Record<Exclude<ChannelKind, "email" | "wecom">, MessageKey> = {
  dingtalk: "alerts.form.secret.dingtalk",
  feishu: "alerts.form.secret.feishu",
  webhook: "alerts.form.secret.webhook",
};
const blank = (value: unknown) => typeof value !== "string" || value.trim() === "";

/**
 * One channel of the rule: its kind, its target (robot or webhook URL, or email recipients), its signing secret and
 * the people its SLA reminders @mention. `needTarget`: false while an edited rule's stored channels are kept as
 * they are (their URLs are never shown, so the fields stay blank).
 */
export function ChannelCard({
  name,
  index,
  needTarget,
  onRemove,
}: {
  name: number;
  index: number;
  needTarget: boolean;
  onRemove: (() => void) | null;
}) {
  const { t } = useI18n();
  const form = Form.useFormInstance<RuleFormValues>();
  const kind = (Form.useWatch(["channels", name, "kind"], form) as ChannelKind | undefined) ?? "wecom";
  const hint = Form.useWatch(["channels", name, "target_hint"], { form, preserve: true }) as string | undefined;
  const hasSecret = Form.useWatch(["channels", name, "has_secret"], { form, preserve: true }) as boolean | undefined;
  const users = useUsers();
  const userOptions = (users.data?.items ?? []).map((user) => ({
    value: user.id,
    label: user.email ? `${user.display_name} (${user.email})` : user.display_name,
  }));
  const mentionPath = (mention: number, field: string) => ["channels", name, "mentions", mention, field];

  return (
    <Card
      size="small"
      title={t("alerts.form.channelN", { n: index + 1 })}
      extra={
        onRemove && (
          <Button type="text" danger size="small" icon={<DeleteOutlined />} onClick={onRemove} aria-label={t("alerts.form.removeChannel", { n: index + 1 })} />
        )
      }
      style={{ marginBottom: 12 }}
      data-testid="alert-channel"
    >
      <Row gutter={12}>
        <Col xs={24} md={7}>
          <Form.Item name={[name, "kind"]} label={t("alerts.form.channelKind")}>
            <Select
              aria-label={t("alerts.form.channelKind")}
              options={CHANNEL_KIND_ORDER.map((value) => ({ value, label: t(CHANNEL_KINDS[value].label) }))}
              data-testid="alert-channel-kind"
            />
          </Form.Item>
        </Col>
        {kind === "email" ? (
          <Col xs={24} md={17}>
            <Form.Item
              name={[name, "to"]}
              label={t("alerts.form.to")}
              extra={t("alerts.form.toHelp")}
              rules={[
                { required: true, type: "array", min: 1, message: t("alerts.form.toRequired") },
                {
                  validator: async (_rule, value: string[] | undefined) => {
                    const bad = (value ?? []).find((to) => !/^[^@\s]+@[^@\s]+$/.test(to.trim()));
                    if (bad) throw new Error(t("alerts.form.toInvalid", { to: bad }));
                  },
                },
              ]}
            >
              <Select mode="tags" open={false} tokenSeparators={[",", " ", ";"]} aria-label={t("alerts.form.to")} placeholder="ops@example.com" />
            </Form.Item>
          </Col>
        ) : (
          <Col xs={24} md={17}>
            <Form.Item
              name={[name, "url"]}
              label={t("alerts.form.url")}
              extra={hint ? t("alerts.form.storedTarget", { hint }) : undefined}
              rules={[{ required: needTarget, whitespace: true, message: t("alerts.form.urlRequired") }]}
            >
              <Input placeholder={URL_PLACEHOLDER[kind]} autoComplete="off" spellCheck={false} />
            </Form.Item>
          </Col>
        )}
        {kind !== "email" && kind !== "wecom" && (
          <Col xs={24} md={{ span: 17, offset: 7 }}>
            <Form.Item
              name={[name, "secret"]}
              label={t(SECRET_LABEL[kind])}
              extra={hasSecret ? t("alerts.form.secretStored") : t("alerts.form.secretOptional")}
            >
              <Input.Password autoComplete="new-password" placeholder={hasSecret ? "••••••" : undefined} />
            </Form.Item>
          </Col>
        )}
      </Row>
      <Form.List name={[name, "mentions"]}>
        {(fields, { add, remove }) => (
          <>
            {fields.length > 0 && (
              <Typography.Paragraph type="secondary" style={{ marginBottom: 8 }}>
                {t("alerts.form.mentionsHelp")}
              </Typography.Paragraph>
            )}
            {fields.map((field) => (
              <Row gutter={8} key={field.key} wrap={false} data-testid="alert-mention">
                <Col flex="3">
                  <Form.Item name={[field.name, "user_id"]} rules={[{ required: true, message: t("alerts.form.mentionUserRequired") }]}>
                    <Select
                      showSearch
                      optionFilterProp="label"
                      aria-label={t("alerts.form.mentionUser")}
                      placeholder={t("alerts.form.mentionUser")}
                      loading={users.isPending}
                      options={userOptions}
                    />
                  </Form.Item>
                </Col>
                <Col flex="2">
                  <Form.Item
                    name={[field.name, "mobile"]}
                    dependencies={[mentionPath(field.name, "im_user_id")]}
                    rules={[
                      ({ getFieldValue }) => ({
                        validator: async (_rule, value: unknown) => {
                          if (blank(value) && blank(getFieldValue(mentionPath(field.name, "im_user_id")))) {
                            throw new Error(t("alerts.form.mentionTarget"));
                          }
                        },
                      }),
                    ]}
                  >
                    <Input aria-label={t("alerts.form.mobile")} placeholder={t("alerts.form.mobile")} />
                  </Form.Item>
                </Col>
                <Col flex="2">
                  <Form.Item name={[field.name, "im_user_id"]}>
                    <Input aria-label={t("alerts.form.imUserId")} placeholder={t("alerts.form.imUserId")} />
                  </Form.Item>
                </Col>
                <Col flex="none">
                  <Button type="text" icon={<MinusCircleOutlined />} onClick={() => remove(field.name)} aria-label={t("alerts.form.removeMention")} />
                </Col>
              </Row>
            ))}
            <Button type="link" size="small" icon={<PlusOutlined />} style={{ paddingInline: 0 }} onClick={() => add({ mobile: "", im_user_id: "" })}>
              {t("alerts.form.addMention")}
            </Button>
          </>
        )}
      </Form.List>
    </Card>
  );
}
