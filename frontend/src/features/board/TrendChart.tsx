import { Skeleton, Typography } from "antd";
import dayjs from "dayjs";
import { useMemo } from "react";

import { EChart } from "../../app/EChart";
import { useI18n } from "../../app/useI18n";
import type { ApiFilter } from "./filters";
import { useTrend } from "./hooks";

/** New error groups per day over the last 7 days (bars) and their events (line), for the current tab and filters. */
export function TrendChart({ filter }: { filter: ApiFilter }) {
  const { t } = useI18n();
  const trend = useTrend(filter);

  const option = useMemo(() => {
    const items = trend.data?.items ?? [];
    const sum = (counts: Record<string, number>) => Object.values(counts).reduce((a, b) => a + b, 0);
    return {
      grid: { left: 40, right: 40, top: 30, bottom: 24 },
      tooltip: { trigger: "axis" },
      legend: { top: 0, right: 0 },
      xAxis: { type: "category", data: items.map((d) => dayjs(d.day).format("MM-DD")) },
      yAxis: [
        { type: "value", minInterval: 1 },
        { type: "value", minInterval: 1, splitLine: { show: false } },
      ],
      series: [
        {
          name: t("board.trend.newGroups"),
          type: "bar",
          barMaxWidth: 28,
          itemStyle: { color: "#d4380d" },
          data: items.map((d) => sum(d.new_groups)),
        },
        {
          name: t("board.trend.events"),
          type: "line",
          yAxisIndex: 1,
          smooth: true,
          itemStyle: { color: "#8c8c8c" },
          data: items.map((d) => sum(d.events)),
        },
      ],
    };
  }, [trend.data, t]);

  return (
    <section aria-label={t("board.trend.title")} style={{ minWidth: 0 }}>
      <Typography.Text strong>{t("board.trend.title")}</Typography.Text>
      {trend.isPending ? (
        <Skeleton active paragraph={{ rows: 3 }} title={false} />
      ) : trend.isError ? (
        <Typography.Paragraph type="secondary">{t("board.trend.unavailable")}</Typography.Paragraph>
      ) : (
        <EChart option={option} height={170} label={t("board.trend.title")} />
      )}
    </section>
  );
}
