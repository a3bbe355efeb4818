import { Alert, Button, Card, Descriptions, Modal, Space, Tag, Typography } from "antd";

import { useI18n } from "../../app/useI18n";
import { BodyBlock } from "../traces/BodyBlock";
import { ChannelAnswer } from "./ChannelAnswer";
import { CHANNEL_KINDS } from "./labels";
import type { AlertRule, TestResult } from "./queries";

/** What each channel answered a test message: ok or not, its HTTP status and own code, its body and our error. */
export function TestResultModal({ tested, onClose }: { tested: { rule: AlertRule; results: TestResult[] } | null; onClose: () => void }) {
  const { t } = useI18n();
  const results = tested?.results ?? [];
  const sent = results.filter((result) => result.ok).length;
  return (
    <Modal
      open={tested !== null}
      title={tested ? t("alerts.testResult.title", { name: tested.rule.name }) : null}
      onCancel={onClose}
      width={720}
      footer={<Button onClick={onClose}>{t("alerts.close")}</Button>}
      destroyOnHidden
    >
      <div data-testid="alert-test-result">
        <Typography.Paragraph type="secondary">{t("alerts.testResult.summary", { sent, total: results.length })}</Typography.Paragraph>
        {results.map((result) => {
          const channel = tested?.rule.channels[result.channel_index];
          const kind = CHANNEL_KINDS[result.channel_kind];
          return (
            <Card
              key={result.channel_index}
              size="small"
              style={{ marginBottom: 12 }}
              data-testid="alert-test-channel"
              title={
                <Space size={8}>
                  <span>{t("alerts.form.channelN", { n: result.channel_index + 1 })}</span>
                  <Tag color={kind.color}>{t(kind.label)}</Tag>
                  {channel && (
                    <Typography.Text type="secondary" style={{ fontSize: 12, fontWeight: "normal" }}>
                      {channel.target_hint}
                    </Typography.Text>
                  )}
                </Space>
              }
              extra={<Tag color={result.ok ? "green" : "red"}>{t(result.ok ? "alerts.testResult.ok" : "alerts.testResult.failed")}</Tag>}
            >
              <Descriptions size="small" column={1} styles={{ label: { width: 110 } }}>
                <Descriptions.Item label={t("alerts.col.answer")}>
                  <ChannelAnswer status={result.status} code={result.code} />
                </Descriptions.Item>
                <Descriptions.Item label={t("alerts.testResult.body")}>
                  <div style={{ width: "100%", minWidth: 0 }}>
                    <BodyBlock body={result.body} label={t("alerts.testResult.body")} />
                  </div>
                </Descriptions.Item>
              </Descriptions>
              {result.error && <Alert type="error" showIcon title={result.error} style={{ marginTop: 8 }} />}
            </Card>
          );
        })}
      </div>
    </Modal>
  );
}
