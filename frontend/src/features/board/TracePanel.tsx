import { Descriptions, Empty, Segmented, Skeleton, Typography } from "antd";
import { useState } from "react";

import { useI18n } from "../../app/useI18n";
import { VerdictNote, VerdictTag } from "../traces/VerdictTag";
import { formatTime, prettyBody } from "./format";
import { useTrace } from "./hooks";

function Exchange({ title, headers, body }: { title: string; headers: Record<string, string>; body: string }) {
  const { t } = useI18n();
  return (
    <section aria-label={title} style={{ minWidth: 0 }}>
      <Typography.Text strong>{title}</Typography.Text>
      <pre className="trace-headers" style={{ background: "#fafafa", padding: 8, margin: "6px 0", fontSize: 12, whiteSpace: "pre-wrap", wordBreak: "break-all" }}>
        {Object.entries(headers)
          .map(([name, value]) => `${name}: ${value}`)
          .join("\n") || t("board.trace.noHeaders")}
      </pre>
      <pre
        data-testid={`trace-${title === t("board.trace.request") ? "request" : "response"}-body`}
        style={{ background: "#1f1f1f", color: "#f0f0f0", padding: 12, margin: 0, fontSize: 12, maxHeight: 360, overflow: "auto", whiteSpace: "pre-wrap", wordBreak: "break-all" }}
      >
        {prettyBody(body) || t("board.trace.emptyBody")}
      </pre>
    </section>
  );
}

/** The platform exchange behind an error: request and response side by side, JSON pretty-printed. */
export function TracePanel({ traceId }: { traceId: string | null | undefined }) {
  const { t } = useI18n();
  const trace = useTrace(traceId);
  const [picked, setPicked] = useState<number | null>(null);

  if (!traceId) return <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t("board.trace.none")} />;
  if (trace.isPending) return <Skeleton active />;
  if (!trace.data) return <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t("board.trace.notRecorded", { id: traceId })} />;

  const attempts = trace.data.attempts;
  const attempt = attempts.find((a) => a.attempt === picked) ?? attempts[attempts.length - 1];
  if (!attempt) return <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t("board.trace.none")} />;

  return (
    <div data-testid="trace-panel">
      {attempts.length > 1 && (
        <Segmented
          style={{ marginBottom: 8 }}
          value={attempt.attempt}
          onChange={(value) => setPicked(Number(value))}
          options={attempts.map((a) => ({ value: a.attempt, label: t("board.trace.attempt", { n: a.attempt }) }))}
        />
      )}
      <Descriptions size="small" column={2} style={{ marginBottom: 8 }}>
        <Descriptions.Item label={t("board.trace.id")} span={2}>
          <Typography.Text code copyable>
            {trace.data.trace_id}
          </Typography.Text>
        </Descriptions.Item>
        <Descriptions.Item label={t("board.trace.call")} span={2}>
          <Typography.Text code style={{ wordBreak: "break-all" }}>
            {attempt.method} {attempt.url}
          </Typography.Text>
        </Descriptions.Item>
        <Descriptions.Item label={t("board.trace.status")}>
          <VerdictTag attempt={attempt} />
        </Descriptions.Item>
        <Descriptions.Item label={t("board.trace.duration")}>{attempt.duration_ms} ms</Descriptions.Item>
        <Descriptions.Item label={t("board.trace.startedAt")}>{formatTime(attempt.started_at)}</Descriptions.Item>
      </Descriptions>
      <VerdictNote attempt={attempt} />
      <div style={{ display: "grid", gridTemplateColumns: "1fr 1fr", gap: 12 }}>
        <Exchange title={t("board.trace.request")} headers={attempt.request_headers} body={attempt.request_body} />
        <Exchange title={t("board.trace.response")} headers={attempt.response_headers} body={attempt.response_body} />
      </div>
    </div>
  );
}
