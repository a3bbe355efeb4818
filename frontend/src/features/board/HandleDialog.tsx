import { Form, Input, Modal, Radio } from "antd";

import { useI18n } from "../../app/useI18n";
import { RESOLUTIONS } from "./format";
import type { Resolution } from "./hooks";

interface Values {
  resolution: Resolution;
  note: string;
}

/** "Mark handled": how it was resolved and a note. `count` is how many rows the action covers. */
export function HandleDialog({
  open,
  count,
  busy,
  onCancel,
  onSubmit,
}: {
  open: boolean;
  count: number;
  busy: boolean;
  onCancel: () => void;
  onSubmit: (values: Values) => void;
}) {
  const { t } = useI18n();
  const [form] = Form.useForm<Values>();

  return (
    <Modal
      open={open}
      title={t("board.handle.title")}
      okText={t("board.handle.submit")}
      cancelText={t("common.cancel")}
      confirmLoading={busy}
      onCancel={onCancel}
      onOk={() => void form.validateFields().then(onSubmit, () => undefined)}
      destroyOnHidden
    >
      {count > 1 && <p>{t("board.handle.many", { count })}</p>}
      <Form<Values> form={form} layout="vertical" initialValues={{ resolution: "fixed_data", note: "" }} preserve={false}>
        <Form.Item label={t("board.handle.resolution")} name="resolution" rules={[{ required: true }]}>
          <Radio.Group style={{ display: "flex", flexDirection: "column", gap: 8 }}>
            {RESOLUTIONS.map((resolution) => (
              <Radio key={resolution} value={resolution}>
                {t(`board.resolution.${resolution}`)}
                <span style={{ color: "#8c8c8c", marginInlineStart: 8 }}>{t(`board.resolutionHint.${resolution}`)}</span>
              </Radio>
            ))}
          </Radio.Group>
        </Form.Item>
        <Form.Item label={t("board.handle.note")} name="note">
          <Input.TextArea rows={3} maxLength={2000} showCount placeholder={t("board.handle.notePlaceholder")} />
        </Form.Item>
      </Form>
    </Modal>
  );
}
