import { RedoOutlined } from "@ant-design/icons";
import { Alert, Button, Descriptions, Modal, Space, Tag, Typography } from "antd";
import { useState } from "react";
import { Link } from "react-router-dom";

import type { MessageKey } from "../../app/language";
import { useI18n } from "../../app/useI18n";
import { heldChange } from "../approvals/change";
import { PLATFORM_COLOR, PLATFORM_LABEL } from "./format";
import { type ErrorGroupDetail, type RetryPreview, useRetry } from "./hooks";
import { type RetryRefusal, retryRefusal } from "./retryProblem";

/**
 * "Retry" on the board: a dry run first shows exactly what would be sent (shop, SKU, operation, value, platform ids);
 * confirmed, it starts a retry task, linked here. A refusal (one running, resolved, not ours) shows in place.
 */
export function RetryButton({ group }: { group: ErrorGroupDetail }) {
  const { t } = useI18n();
  const retry = useRetry();
  const [preview, setPreview] = useState<RetryPreview | null>(null);
  const [refusal, setRefusal] = useState<RetryRefusal | null>(null);
  const [startedTaskId, setStartedTaskId] = useState<string | null>(null);
  const refuse = (error: unknown) => {
    setPreview(null);
    setRefusal(retryRefusal(error));
  };
  const ask = () => {
    setRefusal(null);
    retry.mutate({ id: group.id, dryRun: true }, { onSuccess: setPreview, onError: refuse });
  };
  const confirm = () =>
    retry.mutate(
      { id: group.id, dryRun: false },
      {
        onSuccess: (started) => {
          setPreview(null);
          setStartedTaskId(started.task_id ?? null);
        },
        onError: refuse,
      },
    );
  const operation = (name: string) => t(`board.operation.${name}` as MessageKey);
  const value = preview && heldChange(preview.operation, preview.value, null);
  const binding = Object.entries(preview?.binding ?? {}).filter(([, value]) => value !== null && value !== "");

  return (
    <Space orientation="vertical" style={{ width: "100%" }}>
      <Space wrap>
        <Button icon={<RedoOutlined />} loading={retry.isPending && !preview} onClick={ask} data-testid="retry">
          {t("board.retry.button")}
        </Button>
        <Typography.Text type="secondary">{t("board.retry.hint")}</Typography.Text>
      </Space>
      {refusal && (
        <Alert
          type="warning"
          showIcon
          message={refusal.key ? t(refusal.key) : t("board.retry.refused")}
          description={
            <>
              <div>{refusal.detail}</div>
              {refusal.runningTaskId && <Link to={`/tasks/${refusal.runningTaskId}`}>{t("board.retry.openRunning")}</Link>}
            </>
          }
          data-testid="retry-refusal"
        />
      )}
      {startedTaskId && (
        <Alert
          type="success"
          showIcon
          message={t("board.retry.started")}
          description={
            <Link to={`/tasks/${startedTaskId}`} data-testid="retry-task-link">
              {t("board.retry.openTask", { id: startedTaskId.slice(0, 8) })}
            </Link>
          }
        />
      )}
      <Modal
        open={preview !== null}
        title={t("board.retry.confirmTitle")}
        okText={t("board.retry.confirm")}
        cancelText={t("common.cancel")}
        confirmLoading={retry.isPending}
        onOk={confirm}
        onCancel={() => setPreview(null)}
        width={640}
        destroyOnHidden
      >
        {preview && (
          <div data-testid="retry-preview">
            <Typography.Paragraph type="secondary">{t("board.retry.previewIntro")}</Typography.Paragraph>
            <Descriptions size="small" bordered column={1}>
              <Descriptions.Item label={t("board.col.shop")}>
                {group.shop_name} <Tag color={PLATFORM_COLOR[group.platform]}>{PLATFORM_LABEL[group.platform] ?? group.platform}</Tag> {group.market}
              </Descriptions.Item>
              <Descriptions.Item label={t("board.col.sku")}>{preview.sku}</Descriptions.Item>
              <Descriptions.Item label={t("board.drawer.operation")}>{operation(preview.operation)}</Descriptions.Item>
              <Descriptions.Item label={t("board.retry.value")}>
                <Typography.Text strong data-testid="retry-value">
                  {[value?.after, value?.unit].filter(Boolean).join(" ")}
                </Typography.Text>
                <div>
                  <Typography.Text code style={{ fontSize: 12, wordBreak: "break-all" }}>
                    {JSON.stringify(preview.value)}
                  </Typography.Text>
                </div>
              </Descriptions.Item>
              <Descriptions.Item label={t("board.retry.platformIds")}>
                {binding.map(([name, value]) => (
                  <div key={name}>
                    <Typography.Text type="secondary">{name}</Typography.Text> <Typography.Text code>{String(value)}</Typography.Text>
                  </div>
                ))}
              </Descriptions.Item>
              <Descriptions.Item label={t("board.retry.key")}>
                <Typography.Text code>{preview.idempotency_key}</Typography.Text>
              </Descriptions.Item>
            </Descriptions>
          </div>
        )}
      </Modal>
    </Space>
  );
}
