import { Input, Modal, Typography } from "antd";
import { useState } from "react";

import { useI18n } from "../../app/useI18n";
import type { Decision } from "./hooks";

/** Approve or reject one held change, with a note kept on the approval and in the audit log. */
export function DecisionDialog({
  decision,
  summary,
  busy,
  onCancel,
  onSubmit,
}: {
  decision: Decision | null;
  summary: string;
  busy: boolean;
  onCancel: () => void;
  onSubmit: (note: string) => void;
}) {
  const { t } = useI18n();
  const [note, setNote] = useState("");
  const approving = decision === "approve";
  return (
    <Modal
      open={decision !== null}
      title={t(approving ? "approvals.approveTitle" : "approvals.rejectTitle")}
      okText={t(approving ? "approvals.approve" : "approvals.reject")}
      okButtonProps={{ danger: !approving }}
      cancelText={t("common.cancel")}
      confirmLoading={busy}
      onCancel={onCancel}
      onOk={() => onSubmit(note.trim())}
      afterClose={() => setNote("")}
      destroyOnHidden
    >
      <Typography.Paragraph>{summary}</Typography.Paragraph>
      <Typography.Paragraph type="secondary">{t(approving ? "approvals.approveHint" : "approvals.rejectHint")}</Typography.Paragraph>
      <Input.TextArea
        aria-label={t("approvals.note")}
        placeholder={t("approvals.notePlaceholder")}
        rows={3}
        maxLength={2000}
        showCount
        value={note}
        onChange={(event) => setNote(event.target.value)}
        data-testid="decision-note"
      />
    </Modal>
  );
}
