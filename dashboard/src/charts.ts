// ECharts, tree-shaken to the bar and pie charts the page draws, rendered on canvas (no inline style sheets, so the
// page keeps its strict content security policy).
import { BarChart, PieChart } from "echarts/charts";
import { GridComponent, TooltipComponent } from "echarts/components";
import * as echarts from "echarts/core";
import { CanvasRenderer } from "echarts/renderers";
import type { Chart } from "./sections.js";

echarts.use([BarChart, PieChart, GridComponent, TooltipComponent, CanvasRenderer]);

const drawn = new Set<echarts.ECharts>();

export function draw(element: HTMLElement, chart: Chart): void {
  const instance = echarts.init(element, undefined, { renderer: "canvas" });
  drawn.add(instance);
  const labels = chart.points.map((p) => p.label);
  const values = chart.points.map((p) => p.value);
  instance.setOption(
    chart.kind === "pie"
      ? {
          animation: false,
          tooltip: { trigger: "item" },
          series: [{ type: "pie", radius: ["35%", "65%"], data: chart.points.map((p) => ({ name: p.label, value: p.value })), label: { formatter: "{b}: {c}" } }],
        }
      : {
          animation: false,
          tooltip: { trigger: "axis" },
          grid: { left: 40, right: 16, top: 24, bottom: 56 },
          xAxis: { type: "category", data: labels, axisLabel: { interval: 0, rotate: labels.length > 3 ? 20 : 0 } },
          yAxis: { type: "value", minInterval: 1 },
          series: [{ type: "bar", data: values, label: { show: true, position: "top" }, itemStyle: { color: "#2f6fb3" } }],
        },
  );
}

/** Frees the charts of the previous rendering (before drawing new figures or signing out). */
export function disposeAll(): void {
  for (const instance of drawn) instance.dispose();
  drawn.clear();
}

export function resizeAll(): void {
  for (const instance of drawn) instance.resize();
}
