import { Checkbox, Form, Input, Modal } from "antd";

import type { Schemas } from "../../api/client";
import { useI18n } from "../../app/useI18n";
import { SCOPES, useCreateApiKey } from "./hooks";

type Values = Schemas["ApiKeyCreate"];

export function CreateApiKeyModal(props: {
  open: boolean;
  onClose: () => void;
  onCreated: (created: Schemas["ApiKeyCreated"]) => void;
}) {
  const { t } = useI18n();
  const [form] = Form.useForm<Values>();
  const create = useCreateApiKey();

  const submit = async () => {
    const values = await form.validateFields();
    create.mutate(values, {
      onSuccess: (created) => {
        form.resetFields();
        props.onCreated(created);
      },
    });
  };

  return (
    <Modal
      open={props.open}
      title={t("apiKeys.create")}
      okText={t("apiKeys.create")}
      cancelText={t("common.cancel")}
      onOk={() => void submit().catch(() => undefined)}
      onCancel={props.onClose}
      confirmLoading={create.isPending}
      destroyOnHidden
    >
      <Form<Values> form={form} layout="vertical" initialValues={{ scopes: ["errors:read"] }}>
        <Form.Item label={t("apiKeys.name")} name="name" rules={[{ required: true, whitespace: true, message: t("apiKeys.nameRequired") }]}>
          <Input placeholder={t("apiKeys.namePlaceholder")} maxLength={200} />
        </Form.Item>
        <Form.Item
          label={t("apiKeys.scopes")}
          name="scopes"
          rules={[{ required: true, type: "array", min: 1, message: t("apiKeys.scopesRequired") }]}
        >
          <Checkbox.Group style={{ display: "flex", flexDirection: "column", gap: 8 }}>
            {SCOPES.map((scope) => (
              <Checkbox key={scope} value={scope}>
                <code>{scope}</code> — {t(`scope.${scope}`)}
              </Checkbox>
            ))}
          </Checkbox.Group>
        </Form.Item>
      </Form>
    </Modal>
  );
}
