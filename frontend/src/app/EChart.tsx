import type { EChartsCoreOption } from "echarts/core";
import { useEffect, useRef } from "react";

/** An ECharts chart whose library is fetched on first use (its own chunk), resized with its container. */
export function EChart({ option, height = 280, label }: { option: EChartsCoreOption; height?: number; label: string }) {
  const container = useRef<HTMLDivElement>(null);

  useEffect(() => {
    let disposed = false;
    let cleanup = () => {};
    void import("./echarts").then(({ echarts }) => {
      const element = container.current;
      if (disposed || !element) return;
      const chart = echarts.init(element);
      chart.setOption(option);
      const observer = new ResizeObserver(() => chart.resize());
      observer.observe(element);
      cleanup = () => {
        observer.disconnect();
        chart.dispose();
      };
    });
    return () => {
      disposed = true;
      cleanup();
    };
  }, [option]);

  return <div ref={container} role="img" aria-label={label} style={{ height, width: "100%" }} />;
}
