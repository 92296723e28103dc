import { DownloadOutlined } from '@ant-design/icons';
import type { ChartOption } from '@contract';
import { Button, Dropdown } from 'antd';
import { BarChart, BoxplotChart, HeatmapChart, LineChart, ScatterChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TitleComponent, TooltipComponent, VisualMapComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { SVGRenderer } from 'echarts/renderers';
import { useEffect, useRef } from 'react';

// The app's one charting library, ECharts, drawn as SVG so that what is saved is vector (for
// papers). The chart builders are pure functions in the contract (`evaluation-charts.ts`),
// shared with the report, which main draws with echarts' server-side SVG renderer.

echarts.use([BarChart, BoxplotChart, LineChart, ScatterChart, HeatmapChart, GridComponent, LegendComponent, TitleComponent, TooltipComponent, VisualMapComponent, SVGRenderer]);

export interface ChartExportLabels {
  svg: string;
  png: string;
}

interface ChartProps {
  option: ChartOption;
  height?: number;
  /** A file name (without extension) for exports, and the chart's test id. */
  name: string;
  labels: ChartExportLabels;
  /** Saves the chart: `content` gives the SVG text or the PNG as base64. */
  onExport: (format: 'svg' | 'png', content: () => Promise<string>) => void;
}

/** The chart as a white-backed SVG, as it is saved (the page's background is not the paper's). */
function svgOf(chart: echarts.ECharts): string {
  return chart.renderToSVGString();
}

/** The SVG drawn onto a canvas at twice its size: a sharp PNG for slides. */
async function pngOf(svg: string, width: number, height: number): Promise<string> {
  const image = new Image();
  image.src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`;
  await image.decode();
  const canvas = document.createElement('canvas');
  canvas.width = width * 2;
  canvas.height = height * 2;
  const g = canvas.getContext('2d')!;
  g.fillStyle = '#fff';
  g.fillRect(0, 0, canvas.width, canvas.height);
  g.drawImage(image, 0, 0, canvas.width, canvas.height);
  return canvas.toDataURL('image/png').replace(/^data:image\/png;base64,/, '');
}

export function Chart({ option, height = 340, name, labels, onExport }: ChartProps) {
  const host = useRef<HTMLDivElement>(null);
  const chart = useRef<echarts.ECharts | null>(null);

  useEffect(() => {
    const el = host.current!;
    const instance = echarts.init(el, null, { renderer: 'svg' });
    chart.current = instance;
    // Follows the card's width (window resizes, the side menu folding).
    const resize = new ResizeObserver(() => instance.resize());
    resize.observe(el);
    return () => {
      resize.disconnect();
      instance.dispose();
      chart.current = null;
    };
  }, []);

  useEffect(() => {
    chart.current?.setOption({ backgroundColor: '#fff', ...option }, true);
  }, [option]);

  const save = (format: 'svg' | 'png') => {
    const instance = chart.current;
    if (!instance) return;
    onExport(format, async () => {
      const svg = svgOf(instance);
      return format === 'svg' ? svg : pngOf(svg, instance.getWidth(), instance.getHeight());
    });
  };

  return (
    <div style={{ position: 'relative' }} data-testid={`chart-${name}`}>
      <div ref={host} style={{ width: '100%', height }} />
      <Dropdown
        trigger={['click']}
        menu={{
          items: [
            { key: 'svg', label: <span data-testid={`chart-${name}-svg`}>{labels.svg}</span>, onClick: () => save('svg') },
            { key: 'png', label: <span data-testid={`chart-${name}-png`}>{labels.png}</span>, onClick: () => save('png') },
          ],
        }}
      >
        <Button size="small" type="text" icon={<DownloadOutlined />} style={{ position: 'absolute', top: 0, right: 0 }} aria-label={labels.svg} data-testid={`chart-${name}-export`} />
      </Dropdown>
    </div>
  );
}
