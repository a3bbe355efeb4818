import { CopyOutlined } from "@ant-design/icons";
import { Alert, App, Button, Input, Modal, Space } from "antd";

import { useI18n } from "../../app/useI18n";

/** Shows a newly created key's secret, the only time it can be seen: the API stores just its hash. */
export function SecretModal({ secret, onClose }: { secret: string | null; onClose: () => void }) {
  const { t } = useI18n();
  const { message } = App.useApp();

  const copy = async () => {
    try {
      await navigator.clipboard.writeText(secret ?? "");
      void message.success(t("apiKeys.copied"));
    } catch {
      void message.warning(t("apiKeys.copyFailed"));
    }
  };

  return (
    <Modal
      open={secret !== null}
      title={t("apiKeys.secretTitle")}
      onCancel={onClose}
      maskClosable={false}
      width={640}
      footer={
        <Button type="primary" onClick={onClose}>
          {t("apiKeys.done")}
        </Button>
      }
    >
      <Space direction="vertical" style={{ width: "100%" }} size="middle">
        <Alert type="warning" showIcon message={t("apiKeys.secretWarning")} />
        <Space.Compact style={{ width: "100%" }}>
          <Input readOnly value={secret ?? ""} aria-label={t("apiKeys.secretTitle")} data-testid="api-key-secret" style={{ fontFamily: "monospace" }} />
          <Button icon={<CopyOutlined />} onClick={() => void copy()}>
            {t("apiKeys.copy")}
          </Button>
        </Space.Compact>
      </Space>
    </Modal>
  );
}
