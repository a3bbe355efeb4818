import { DatePicker, Form, InputNumber, Modal, Radio } from "antd";
import dayjs, { type Dayjs } from "dayjs";

import { useI18n } from "../../app/useI18n";
import type { SnoozeFor } from "./hooks";

interface Values {
  mode: "until" | "events";
  until: Dayjs;
  events: number;
}

/** Snooze until a time, or until N more events arrive; then the row returns to the open view by itself. */
export function SnoozeDialog({
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
  onSubmit: (snooze: SnoozeFor) => void;
}) {
  const { t } = useI18n();
  const [form] = Form.useForm<Values>();
  const mode = Form.useWatch("mode", form);

  const submit = (values: Values) =>
    onSubmit(values.mode === "until" ? { until: values.until.format() } : { events: values.events });

  return (
    <Modal
      open={open}
      title={t("board.snooze.title")}
      okText={t("board.snooze.submit")}
      cancelText={t("common.cancel")}
      confirmLoading={busy}
      onCancel={onCancel}
      onOk={() => void form.validateFields().then(submit, () => undefined)}
      destroyOnHidden
    >
      {count > 1 && <p>{t("board.snooze.many", { count })}</p>}
      <Form<Values>
        form={form}
        layout="vertical"
        preserve={false}
        initialValues={{ mode: "until", until: dayjs().add(1, "day").startOf("hour"), events: 10 }}
      >
        <Form.Item name="mode" label={t("board.snooze.wakeOn")}>
          <Radio.Group
            options={[
              { value: "until", label: t("board.snooze.until") },
              { value: "events", label: t("board.snooze.events") },
            ]}
          />
        </Form.Item>
        {mode !== "events" ? (
          <Form.Item name="until" label={t("board.snooze.until")} rules={[{ required: true }]}>
            <DatePicker showTime={{ format: "HH:mm" }} format="YYYY-MM-DD HH:mm" disabledDate={(d) => d.isBefore(dayjs(), "day")} />
          </Form.Item>
        ) : (
          <Form.Item name="events" label={t("board.snooze.events")} rules={[{ required: true }]}>
            <InputNumber min={1} max={1_000_000} />
          </Form.Item>
        )}
      </Form>
    </Modal>
  );
}
