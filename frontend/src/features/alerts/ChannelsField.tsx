import { PlusOutlined } from "@ant-design/icons";
import { Alert, Button, Form } from "antd";

import { useI18n } from "../../app/useI18n";
import { ChannelCard } from "./ChannelCard";
import { type ChannelValues, NEW_CHANNEL } from "./form";

const MAX_CHANNELS = 10;

/**
 * The rule's channels. Editing a rule, its stored channels show without URLs or secrets (never returned): left
 * untouched they are kept; once touched, the save sends the whole list again, so every URL and secret is re-entered.
 */
export function ChannelsField({ editing, touched, onRestore }: { editing: boolean; touched: boolean; onRestore: () => void }) {
  const { t } = useI18n();
  return (
    <>
      {editing && (
        <Alert
          type={touched ? "warning" : "info"}
          showIcon
          style={{ marginBottom: 12 }}
          title={t(touched ? "alerts.form.channelsTouched" : "alerts.form.channelsKept")}
          action={
            touched && (
              <Button size="small" onClick={onRestore}>
                {t("alerts.form.restoreChannels")}
              </Button>
            )
          }
          data-testid="alert-channels-note"
        />
      )}
      <Form.List
        name="channels"
        rules={[
          {
            validator: async (_rule, channels: ChannelValues[] | undefined) => {
              if (!channels?.length) throw new Error(t("alerts.form.channelsRequired"));
            },
          },
        ]}
      >
        {(fields, { add, remove }, { errors }) => (
          <>
            {fields.map((field, index) => (
              <ChannelCard
                key={field.key}
                name={field.name}
                index={index}
                needTarget={!editing || touched}
                onRemove={fields.length > 1 ? () => remove(field.name) : null}
              />
            ))}
            <Form.ErrorList errors={errors} />
            <Button
              type="dashed"
              block
              icon={<PlusOutlined />}
              disabled={fields.length >= MAX_CHANNELS}
              onClick={() => add({ ...NEW_CHANNEL })}
              data-testid="alert-channel-add"
            >
              {t("alerts.form.addChannel")}
            </Button>
          </>
        )}
      </Form.List>
    </>
  );
}
