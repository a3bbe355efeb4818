import { Table, type TableColumnsType, Tag, Typography } from "antd";
import { useMemo } from "react";

import type { MessageKey } from "../../app/language";
import { useI18n } from "../../app/useI18n";
import { prettyBody } from "../traces/prettyBody";
import { type Change, type DiffRow, diffEntries } from "./diff";

const CHANGE: Record<Change, { color: string; label: MessageKey }> = {
  added: { color: "green", label: "audit.change.added" },
  removed: { color: "red", label: "audit.change.removed" },
  changed: { color: "orange", label: "audit.change.changed" },
  unchanged: { color: "default", label: "audit.change.unchanged" },
};

const valueStyle = { fontFamily: "monospace", fontSize: 12, whiteSpace: "pre-wrap", wordBreak: "break-all" } as const;

/** Before and after of one audit entry as a table of fields, changes first and marked; plus the raw payload. */
export function AuditDiff({
  before,
  after,
  payload,
}: {
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
  payload?: Record<string, unknown> | null;
}) {
  const { t } = useI18n();
  const rows = useMemo(() => diffEntries(before, after), [before, after]);
  const columns: TableColumnsType<DiffRow> = [
    { title: t("audit.field"), dataIndex: "field", width: 220, render: (field: string) => <code>{field}</code> },
    {
      title: t("audit.before"),
      dataIndex: "before",
      render: (value: string | undefined, row) =>
        value === undefined ? (
          <Typography.Text type="secondary">—</Typography.Text>
        ) : (
          <span style={valueStyle}>{row.change === "unchanged" || row.change === "removed" ? value : <del>{value}</del>}</span>
        ),
    },
    {
      title: t("audit.after"),
      dataIndex: "after",
      render: (value: string | undefined, row) =>
        value === undefined ? (
          <Typography.Text type="secondary">—</Typography.Text>
        ) : (
          <span style={valueStyle}>{row.change === "unchanged" ? value : <strong>{value}</strong>}</span>
        ),
    },
    {
      title: t("audit.change"),
      dataIndex: "change",
      width: 100,
      render: (change: Change) => <Tag color={CHANGE[change].color}>{t(CHANGE[change].label)}</Tag>,
    },
  ];

  return (
    <div data-testid="audit-diff">
      {rows.length ? (
        <Table<DiffRow>
          rowKey="field"
          size="small"
          columns={columns}
          dataSource={rows}
          pagination={false}
          rowClassName={(row) => `audit-diff-${row.change}`}
          onRow={(row) => ({ style: row.change === "unchanged" ? { opacity: 0.6 } : undefined })}
        />
      ) : (
        <Typography.Text type="secondary">{t("audit.noDiff")}</Typography.Text>
      )}
      {payload && Object.keys(payload).length > 0 && (
        <details style={{ marginTop: 12 }}>
          <summary>{t("audit.payload")}</summary>
          <pre style={{ ...valueStyle, background: "#fafafa", padding: 12, borderRadius: 6 }}>
            {prettyBody(JSON.stringify(payload)).text}
          </pre>
        </details>
      )}
    </div>
  );
}
