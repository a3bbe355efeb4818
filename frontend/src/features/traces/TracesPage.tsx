import { SearchOutlined } from "@ant-design/icons";
import { Button, DatePicker, Input, Select, Space, Table, type TableColumnsType, Tag, Typography } from "antd";
import type { Dayjs } from "dayjs";
import { useMemo, useState } from "react";
import { Link, useNavigate, useParams, useSearchParams } from "react-router-dom";

import { useI18n } from "../../app/useI18n";
import { useTenantTime } from "../settings/tenantTime";
import { CursorPager } from "./CursorPager";
import { type TraceQuery, type TraceSummary, useShops, useTraces } from "./hooks";
import { OPERATION_LABELS, OUTCOME_LABELS, PLATFORMS, platformLabel } from "./labels";
import { TraceDrawer } from "./TraceDrawer";
import { VerdictTag } from "./VerdictTag";
import { useCursorPages } from "./useCursorPages";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const FILTERS = ["task_id", "shop_id", "platform", "operation", "outcome", "since", "until"] as const;
const PAGE_SIZE = 50;

// The host is implied by the platform and market; the path and query say what was called.
function pathOf(url: string): string {
  try {
    const parsed = new URL(url);
    return parsed.pathname + parsed.search;
  } catch {
    return url;
  }
}

/** The system log: every platform call, searchable; the filters and the open trace live in the URL
 * (`/traces/<trace id>` or `?trace=`, so that a trace id from a ticket or a log line opens directly). */
export default function TracesPage() {
  const { t } = useI18n();
  const time = useTenantTime();
  const [params, setParams] = useSearchParams();
  const navigate = useNavigate();
  const { traceId: routeTrace } = useParams();
  const shops = useShops();

  const query = useMemo(() => {
    const q: Record<string, string> = {};
    for (const name of FILTERS) {
      const value = params.get(name);
      if (value) q[name] = value;
    }
    return q as TraceQuery;
  }, [params]);
  const filterKey = JSON.stringify(query);
  const pages = useCursorPages(filterKey);
  const traces = useTraces({ ...query, limit: PAGE_SIZE, cursor: pages.cursor });
  const openTrace = routeTrace ?? params.get("trace");
  const [traceDraft, setTraceDraft] = useState("");
  const openById = () => {
    const id = traceDraft.trim();
    if (id) navigate({ pathname: `/traces/${encodeURIComponent(id)}`, search: params.toString() });
  };

  const setFilter = (changes: Record<string, string | null | undefined>) => {
    const next = new URLSearchParams(params);
    for (const [name, value] of Object.entries(changes)) {
      if (value) next.set(name, value);
      else next.delete(name);
    }
    setParams(next);
  };
  const traceLink = (traceId: string) => {
    const next = new URLSearchParams(params);
    next.set("trace", traceId);
    return `?${next.toString()}`;
  };

  const [taskDraft, setTaskDraft] = useState(query.task_id ?? "");
  const taskInvalid = taskDraft !== "" && !UUID.test(taskDraft.trim());
  // Picker values carry the tenant's wall-clock time, so "the last 24 hours" is computed in that zone.
  const lastPicked = (amount: number, unit: "hour" | "day"): [Dayjs, Dayjs] => {
    const now = time.now();
    return [time.fromApi(now.subtract(amount, unit).toISOString()), time.fromApi(now.toISOString())];
  };
  const range: [Dayjs, Dayjs] | null = query.since && query.until ? [time.fromApi(query.since), time.fromApi(query.until)] : null;

  const columns: TableColumnsType<TraceSummary> = [
    {
      title: t("traces.startedAt"),
      dataIndex: "started_at",
      width: 160,
      render: (value: string) => time.format(value),
    },
    {
      title: t("traces.platformShop"),
      key: "shop",
      width: 170,
      render: (_, row) => (
        <Space orientation="vertical" size={0}>
          <span>{row.shop_name ?? "—"}</span>
          <Typography.Text type="secondary">{platformLabel(row.platform)}</Typography.Text>
        </Space>
      ),
    },
    { title: t("traces.operation"), dataIndex: "operation", width: 90, render: (op: TraceSummary["operation"]) => t(OPERATION_LABELS[op]) },
    {
      title: t("traces.request"),
      key: "request",
      render: (_, row) => (
        <Typography.Text style={{ fontFamily: "monospace", fontSize: 12 }} ellipsis={{ tooltip: row.url }}>
          <Tag>{row.method}</Tag>
          {pathOf(row.url)}
        </Typography.Text>
      ),
      ellipsis: true,
    },
    {
      title: t("traces.outcome"),
      key: "outcome",
      width: 110,
      render: (_, row) => <VerdictTag attempt={row} />,
    },
    { title: t("traces.duration"), dataIndex: "duration_ms", width: 80, align: "right", render: (ms: number) => `${ms} ms` },
    {
      title: t("traces.traceId"),
      key: "trace_id",
      width: 190,
      render: (_, row) => (
        <Link to={traceLink(row.trace_id)} style={{ fontFamily: "monospace", fontSize: 12 }}>
          {row.trace_id}
          {row.attempt > 1 && ` #${row.attempt}`}
        </Link>
      ),
    },
  ];

  return (
    <Space orientation="vertical" size="middle" style={{ width: "100%" }}>
      <Space wrap size="middle" role="search" aria-label={t("traces.search")}>
        <Input
          prefix={<SearchOutlined />}
          placeholder={t("traces.taskIdPlaceholder")}
          aria-label={t("traces.taskId")}
          value={taskDraft}
          status={taskInvalid ? "error" : undefined}
          onChange={(event) => {
            setTaskDraft(event.target.value);
            if (event.target.value === "" && query.task_id) setFilter({ task_id: null });
          }}
          onPressEnter={() => {
            const id = taskDraft.trim();
            if (id === "" || UUID.test(id)) setFilter({ task_id: id });
          }}
          style={{ width: 320 }}
        />
        <Input.Search
          placeholder={t("traces.traceIdPlaceholder")}
          aria-label={t("traces.traceId")}
          value={traceDraft}
          onChange={(event) => setTraceDraft(event.target.value)}
          onSearch={openById}
          enterButton
          allowClear
          style={{ width: 300 }}
        />
        <Select
          allowClear
          showSearch
          optionFilterProp="label"
          placeholder={t("traces.shop")}
          aria-label={t("traces.shop")}
          value={query.shop_id ?? undefined}
          onChange={(value?: string) => setFilter({ shop_id: value })}
          options={shops.data?.items.map((shop) => ({ value: shop.id, label: shop.name }))}
          loading={shops.isPending}
          style={{ width: 200 }}
        />
        <Select
          allowClear
          placeholder={t("traces.platform")}
          aria-label={t("traces.platform")}
          value={query.platform ?? undefined}
          onChange={(value?: string) => setFilter({ platform: value })}
          options={PLATFORMS}
          style={{ width: 150 }}
        />
        <Select
          allowClear
          placeholder={t("traces.operation")}
          aria-label={t("traces.operation")}
          value={query.operation ?? undefined}
          onChange={(value?: string) => setFilter({ operation: value })}
          options={Object.entries(OPERATION_LABELS).map(([value, label]) => ({ value, label: t(label) }))}
          style={{ width: 130 }}
        />
        <Select
          allowClear
          placeholder={t("traces.outcome")}
          aria-label={t("traces.outcome")}
          value={query.outcome ?? undefined}
          onChange={(value?: string) => setFilter({ outcome: value })}
          options={Object.entries(OUTCOME_LABELS).map(([value, label]) => ({ value, label: t(label) }))}
          style={{ width: 130 }}
        />
        <DatePicker.RangePicker
          showTime={{ format: "HH:mm" }}
          format="YYYY-MM-DD HH:mm"
          value={range}
          aria-label={t("traces.timeRange")}
          presets={[
            { label: t("traces.last24h"), value: () => lastPicked(24, "hour") },
            { label: t("traces.last7d"), value: () => lastPicked(7, "day") },
          ]}
          onChange={(picked) =>
            setFilter(
              picked?.[0] && picked[1]
                ? { since: time.toApi(picked[0]), until: time.toApi(picked[1]) }
                : { since: null, until: null },
            )
          }
        />
        {FILTERS.some((name) => params.has(name)) && (
          <Button
            onClick={() => {
              setTaskDraft("");
              setFilter(Object.fromEntries(FILTERS.map((name) => [name, null])));
            }}
          >
            {t("traces.clear")}
          </Button>
        )}
      </Space>
      <Typography.Text type="secondary">
        {range ? t("traces.windowChosen", { zone: time.zone }) : t("traces.windowDefault", { zone: time.zone })}
      </Typography.Text>
      <Table<TraceSummary>
        rowKey="id"
        size="middle"
        columns={columns}
        dataSource={traces.data?.items}
        loading={traces.isPending || traces.isPlaceholderData}
        pagination={false}
        locale={{ emptyText: t("traces.empty") }}
        tableLayout="fixed"
      />
      <CursorPager pages={pages} nextCursor={traces.data?.next_cursor} loading={traces.isFetching} />
      <TraceDrawer
        traceId={openTrace}
        onClose={() => {
          const next = new URLSearchParams(params);
          next.delete("trace");
          if (routeTrace) navigate({ pathname: "/traces", search: next.toString() });
          else setParams(next);
        }}
      />
    </Space>
  );
}
