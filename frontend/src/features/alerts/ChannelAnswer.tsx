import { Space, Tag, Typography } from "antd";

import { useI18n } from "../../app/useI18n";

/** What a channel answered, in one line: the HTTP status (the SMTP reply code for email) and its own code. */
export function ChannelAnswer({ status, code }: { status: number | null; code: string | null }) {
  const { t } = useI18n();
  if (status === null && code === null) return <Typography.Text type="secondary">{t("alerts.noAnswer")}</Typography.Text>;
  return (
    <Space size={4} wrap>
      {status !== null && <Tag color={status >= 200 && status < 300 ? "default" : "red"}>{t("alerts.httpStatus", { status })}</Tag>}
      {code !== null && (
        <Typography.Text code title={t("alerts.channelCode")}>
          {t("alerts.codeValue", { code })}
        </Typography.Text>
      )}
    </Space>
  );
}
