import { Card, Col, Descriptions, Empty, Row, Space, Table, type TableColumnsType, Tag, Typography } from "antd";
import { Link } from "react-router-dom";

import { useI18n } from "../../app/useI18n";
import { useTenantTime } from "../settings/tenantTime";
import { useErrorTypeTitles } from "../stats/hooks";
import { BodyBlock, HeadersBlock } from "./BodyBlock";
import { boardGroupLink } from "./boardLink";
import type { Trace, TraceAttempt, TraceEvent } from "./hooks";
import { OPERATION_LABELS, platformLabel } from "./labels";
import { VerdictNote, VerdictTag } from "./VerdictTag";


/** One platform call: what it was about, each attempt's request beside its response, and the errors it caused. */
export function TraceDetail({ trace }: { trace: Trace }) {
  const { t } = useI18n();
  const first = trace.attempts[0];
  return (
    <Space orientation="vertical" size="large" style={{ width: "100%" }}>
      {first && (
        <Descriptions size="small" column={3} bordered>
          <Descriptions.Item label={t("traces.traceId")}>
            <Typography.Text copyable code>
              {trace.trace_id}
            </Typography.Text>
          </Descriptions.Item>
          <Descriptions.Item label={t("traces.platformShop")}>
            {platformLabel(first.platform)} · {first.shop_name ?? "—"}
          </Descriptions.Item>
          <Descriptions.Item label={t("traces.operation")}>{t(OPERATION_LABELS[first.operation])}</Descriptions.Item>
          <Descriptions.Item label={t("traces.taskId")}>
            {first.task_id ? <Typography.Text code>{first.task_id}</Typography.Text> : "—"}
          </Descriptions.Item>
          <Descriptions.Item label={t("traces.strategy")}>{first.strategy_name ?? "—"}</Descriptions.Item>
          <Descriptions.Item label={t("traces.attempts")}>{trace.attempts.length}</Descriptions.Item>
        </Descriptions>
      )}
      {trace.attempts.map((attempt) => (
        <AttemptCard key={attempt.id} attempt={attempt} />
      ))}
      <TraceEvents events={trace.events} />
    </Space>
  );
}

function AttemptCard({ attempt }: { attempt: TraceAttempt }) {
  const { t } = useI18n();
  const time = useTenantTime();
  return (
    <Card
      size="small"
      data-testid="trace-attempt"
      title={
        <Space wrap>
          <span>{t("traces.attempt", { n: attempt.attempt })}</span>
          <VerdictTag attempt={attempt} />
          <Typography.Text type="secondary">
            {time.format(attempt.started_at)} · {attempt.duration_ms} ms
          </Typography.Text>
        </Space>
      }
    >
      <Typography.Paragraph style={{ fontFamily: "monospace", fontSize: 12, wordBreak: "break-all" }}>
        <Tag>{attempt.method}</Tag>
        {attempt.url}
      </Typography.Paragraph>
      <VerdictNote attempt={attempt} />
      {attempt.transport_error && (
        <Typography.Paragraph type="danger">{t("traces.transportError", { error: attempt.transport_error })}</Typography.Paragraph>
      )}
      <Row gutter={16}>
        <Col span={12}>
          <Typography.Title level={5}>{t("traces.request")}</Typography.Title>
          <HeadersBlock headers={attempt.request_headers} label={t("traces.requestHeaders")} />
          <div style={{ height: 8 }} />
          <BodyBlock body={attempt.request_body} label={t("traces.requestBody")} />
        </Col>
        <Col span={12}>
          <Typography.Title level={5}>
            {t("traces.response")} {attempt.response_status !== null && <Tag>{attempt.response_status}</Tag>}
          </Typography.Title>
          <HeadersBlock headers={attempt.response_headers} label={t("traces.responseHeaders")} />
          <div style={{ height: 8 }} />
          <BodyBlock body={attempt.response_body} label={t("traces.responseBody")} />
        </Col>
      </Row>
    </Card>
  );
}

function TraceEvents({ events }: { events: TraceEvent[] }) {
  const { t } = useI18n();
  const time = useTenantTime();
  const titles = useErrorTypeTitles();
  const columns: TableColumnsType<TraceEvent> = [
    { title: t("traces.occurredAt"), dataIndex: "occurred_at", width: 170, render: (value: string) => time.format(value) },
    {
      title: t("traces.errorType"),
      key: "error_type",
      render: (_, event) => (
        <Space size={4}>
          <Tag color={event.severity === "error" ? "red" : "gold"}>{titles[event.error_type] ?? event.error_type}</Tag>
        </Space>
      ),
    },
    { title: "SKU", dataIndex: "sku" },
    {
      title: t("traces.platformError"),
      key: "platform_error",
      render: (_, event) => (
        <>
          {event.platform_error_code && <Typography.Text code>{event.platform_error_code}</Typography.Text>}{" "}
          {event.platform_error_message}
        </>
      ),
    },
    {
      title: t("traces.onBoard"),
      key: "group",
      width: 130,
      render: (_, event) => <Link to={boardGroupLink(event.group_id)}>{t("traces.openOnBoard")}</Link>,
    },
  ];
  return (
    <div>
      <Typography.Title level={5}>{t("traces.events", { count: events.length })}</Typography.Title>
      {events.length === 0 ? (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t("traces.noEvents")} />
      ) : (
        <Table<TraceEvent> rowKey="id" size="small" columns={columns} dataSource={events} pagination={false} />
      )}
    </div>
  );
}
