import { Card, Col, Empty, Row, Segmented, Space, Statistic, Table, type TableColumnsType, Typography } from "antd";
import dayjs from "dayjs";
import { useMemo, useState } from "react";

import { EChart } from "../../app/EChart";
import { useI18n } from "../../app/useI18n";
import { useTenantTime } from "../settings/tenantTime";
import { formatDuration } from "./duration";
import { type RootCauses, type SlaByErrorType, type SlaByUser, useErrorTypeTitles, useRootCauses, useSla } from "./hooks";

const WINDOWS = [7, 30, 90] as const;
type Window = (typeof WINDOWS)[number];

/** How fast errors get handled, by whom and of which type, and which root causes dominate new errors. */
export default function SlaPage() {
  const { t, language } = useI18n();
  const time = useTenantTime();
  const [days, setDays] = useState<Window>(30);
  // Rounded to the minute so that re-renders ask the same question (one cache entry per window).
  const window = useMemo(() => {
    const until = dayjs().startOf("minute").add(1, "minute");
    return { since: until.subtract(days, "day").toISOString(), until: until.toISOString() };
  }, [days]);
  const sla = useSla(window.since, window.until);
  const rootCauses = useRootCauses(days);
  const titles = useErrorTypeTitles();
  const duration = (seconds: number | null | undefined) => formatDuration(seconds, language);

  const durationColumns = <T extends SlaByUser | SlaByErrorType>(): TableColumnsType<T> => [
    { title: t("sla.handled"), dataIndex: "handled", align: "right", width: 90, sorter: (a, b) => a.handled - b.handled },
    {
      title: t("sla.median"),
      dataIndex: "median_seconds",
      align: "right",
      width: 110,
      render: duration,
      sorter: (a, b) => (a.median_seconds ?? 0) - (b.median_seconds ?? 0),
    },
    {
      title: t("sla.p90"),
      dataIndex: "p90_seconds",
      align: "right",
      width: 110,
      render: duration,
      sorter: (a, b) => (a.p90_seconds ?? 0) - (b.p90_seconds ?? 0),
    },
  ];
  const byUserColumns: TableColumnsType<SlaByUser> = [
    {
      title: t("sla.person"),
      key: "person",
      render: (_, row) => (
        <Space orientation="vertical" size={0}>
          <span>{row.kind === "system" ? t("sla.system") : row.label}</span>
          {row.kind === "api_key" && <Typography.Text type="secondary">{t("sla.apiKey")}</Typography.Text>}
          {row.kind === "user" && row.email && row.email !== row.label && (
            <Typography.Text type="secondary">{row.email}</Typography.Text>
          )}
        </Space>
      ),
    },
    ...durationColumns<SlaByUser>(),
  ];
  const byTypeColumns: TableColumnsType<SlaByErrorType> = [
    {
      title: t("sla.errorType"),
      dataIndex: "error_type",
      render: (code: string) => (
        <Space orientation="vertical" size={0}>
          <span>{titles[code] ?? code}</span>
          <Typography.Text type="secondary" style={{ fontSize: 12 }} ellipsis={{ tooltip: code }}>
            {code}
          </Typography.Text>
        </Space>
      ),
    },
    ...durationColumns<SlaByErrorType>(),
  ];

  const byTypeChart = useMemo(() => {
    const rows = [...(sla.data?.by_error_type ?? [])].reverse();
    const hours = (seconds: number | null) => (seconds === null ? null : Math.round((seconds / 3600) * 10) / 10);
    return {
      tooltip: { trigger: "axis" },
      legend: { top: 0, left: "center", data: [t("sla.median"), t("sla.p90")] },
      grid: { left: 8, right: 24, top: 36, bottom: 28, containLabel: true },
      xAxis: { type: "value", name: t("sla.hours"), nameLocation: "middle", nameGap: 24 },
      yAxis: { type: "category", data: rows.map((row) => titles[row.error_type] ?? row.error_type) },
      series: [
        { name: t("sla.median"), type: "bar", data: rows.map((row) => hours(row.median_seconds)), itemStyle: { color: "#fa8c16" } },
        { name: t("sla.p90"), type: "bar", data: rows.map((row) => hours(row.p90_seconds)), itemStyle: { color: "#d4380d" } },
      ],
    };
  }, [sla.data, titles, t]);

  return (
    <Space orientation="vertical" size="large" style={{ width: "100%" }}>
      <Space wrap align="center">
        <Segmented<Window>
          value={days}
          onChange={setDays}
          options={WINDOWS.map((value) => ({ value, label: t("sla.lastDays", { days: value }) }))}
          aria-label={t("sla.window")}
        />
        {sla.data && (
          <Typography.Text type="secondary">
            {t("sla.windowRange", {
              since: time.format(sla.data.since, "YYYY-MM-DD HH:mm"),
              until: time.format(sla.data.until, "YYYY-MM-DD HH:mm"),
              zone: time.zone,
            })}
          </Typography.Text>
        )}
      </Space>

      <Row gutter={16}>
        <Col xs={24} sm={8}>
          <Card loading={sla.isPending}>
            <Statistic title={t("sla.handledTotal")} value={sla.data?.overall.handled ?? 0} />
          </Card>
        </Col>
        <Col xs={24} sm={8}>
          <Card loading={sla.isPending}>
            <Statistic title={t("sla.medianTotal")} value={duration(sla.data?.overall.median_seconds)} />
          </Card>
        </Col>
        <Col xs={24} sm={8}>
          <Card loading={sla.isPending}>
            <Statistic title={t("sla.p90Total")} value={duration(sla.data?.overall.p90_seconds)} />
          </Card>
        </Col>
      </Row>

      <Row gutter={[16, 16]}>
        <Col xs={24} xl={12}>
          <Card title={t("sla.byPerson")} size="small">
            <Table<SlaByUser>
              rowKey="handled_by"
              size="small"
              columns={byUserColumns}
              dataSource={sla.data?.by_user}
              loading={sla.isFetching}
              pagination={false}
              locale={{ emptyText: t("sla.emptyHandled") }}
            />
          </Card>
        </Col>
        <Col xs={24} xl={12}>
          <Card title={t("sla.byErrorType")} size="small">
            <Table<SlaByErrorType>
              rowKey="error_type"
              size="small"
              columns={byTypeColumns}
              dataSource={sla.data?.by_error_type}
              loading={sla.isFetching}
              pagination={false}
              locale={{ emptyText: t("sla.emptyHandled") }}
            />
          </Card>
        </Col>
        <Col xs={24} xl={12}>
          <Card title={t("sla.byErrorTypeChart")} size="small">
            {sla.data?.by_error_type.length ? (
              <EChart
                option={byTypeChart}
                height={Math.max(220, 48 * sla.data.by_error_type.length + 60)}
                label={t("sla.byErrorTypeChart")}
              />
            ) : (
              <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t("sla.emptyHandled")} />
            )}
          </Card>
        </Col>
        <Col xs={24} xl={12}>
          <RootCausesCard data={rootCauses.data} loading={rootCauses.isPending} />
        </Col>
      </Row>
    </Space>
  );
}

function RootCausesCard({ data, loading }: { data: RootCauses | undefined; loading: boolean }) {
  const { t } = useI18n();
  const option = useMemo(
    () => ({
      tooltip: { trigger: "item", formatter: "{b}: {c} ({d}%)" },
      legend: { bottom: 0 }, // wraps onto a second line rather than paging
      series: [
        {
          name: t("sla.rootCauses"),
          type: "pie",
          radius: ["35%", "62%"],
          center: ["50%", "42%"],
          avoidLabelOverlap: true,
          label: { formatter: "{d}%" },
          data: (data?.items ?? []).map((item) => ({ name: item.title, value: item.count })),
        },
      ],
    }),
    [data, t],
  );
  return (
    <Card
      title={t("sla.rootCauses")}
      size="small"
      loading={loading}
      extra={data && <Typography.Text type="secondary">{t("sla.newGroups", { count: data.total })}</Typography.Text>}
    >
      {data?.items.length ? (
        <>
          <EChart option={option} height={300} label={t("sla.rootCauses")} />
          <Table
            rowKey="error_type"
            size="small"
            pagination={false}
            dataSource={data.items}
            columns={[
              { title: t("sla.errorType"), dataIndex: "title" },
              { title: t("sla.count"), dataIndex: "count", align: "right", width: 100 },
              {
                title: t("sla.share"),
                dataIndex: "share",
                align: "right",
                width: 100,
                render: (share: number) => `${(share * 100).toFixed(1)}%`,
              },
            ]}
          />
        </>
      ) : (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t("sla.emptyRootCauses")} />
      )}
    </Card>
  );
}
