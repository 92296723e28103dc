import type { ArenaRatings } from './arena';
import { chartPalette, type ChartOption } from './evaluation-charts';

// The arena's charts as ECharts options, pure functions like the evaluation's
// (evaluation-charts.ts): the ratings with their 95% intervals (the paper's Figure 6), the
// battles per pair (Figure 14) and the win rates per pair, as heatmaps.

export interface ArenaChartText {
  ratingsTitle: string;
  rating: string;
  elo: string;
  bt: string;
  countsTitle: string;
  winRatesTitle: string;
  /** The heatmaps' axes: the row counselor against the column one. */
  rowAxis: string;
  columnAxis: string;
}

export interface ArenaChart {
  key: 'ratings' | 'battle-counts' | 'win-rates';
  option: ChartOption;
}

/**
 * Each counselor's Elo and Bradley–Terry rating as an interval bar: a box from the interval's
 * lower to its upper bound with a line at the estimate (drawn as a box plot whose quartiles
 * are the bounds). Without a bootstrap the box is the estimate alone.
 */
function ratingsOption(r: ArenaRatings, text: ArenaChartText): ChartOption {
  const box = (estimate: number, ci: [number, number] | null) => {
    const [lo, hi] = ci ?? [estimate, estimate];
    // Online Elo's chronological estimate can fall outside its bootstrap interval (the interval
    // also reflects Elo's dependence on order): the whiskers then reach it.
    return [Math.min(lo, estimate), lo, estimate, hi, Math.max(hi, estimate)].map((v) => Math.round(v * 10) / 10);
  };
  const series = [
    { name: text.elo, data: r.models.map((m) => box(m.elo, m.eloCi)) },
    { name: text.bt, data: r.models.map((m) => box(m.bt, m.btCi)) },
  ];
  // The axis spans the boxes with a margin, on round numbers: ratings sit near 1000, not 0.
  const all = series.flatMap((s) => s.data.flat());
  const pad = Math.max(10, (Math.max(...all) - Math.min(...all)) * 0.1);
  return {
    animation: false,
    color: chartPalette,
    title: { text: text.ratingsTitle, left: 'center', textStyle: { fontSize: 14, fontWeight: 600 } },
    tooltip: { trigger: 'item' },
    legend: { bottom: 0 },
    grid: { left: 64, right: 24, top: 48, bottom: 64 },
    xAxis: { type: 'category', data: r.models.map((m) => m.name), axisLabel: { interval: 0, rotate: r.models.length > 6 ? 30 : 0 } },
    yAxis: { type: 'value', name: text.rating, min: Math.floor((Math.min(...all) - pad) / 50) * 50, max: Math.ceil((Math.max(...all) + pad) / 50) * 50 },
    series: series.map((s, i) => ({
      type: 'boxplot',
      name: s.name,
      data: s.data,
      boxWidth: [8, 28],
      itemStyle: { color: `${chartPalette[i]}33`, borderColor: chartPalette[i], borderWidth: 2 },
    })),
  };
}

/** A counselor × counselor heatmap; null cells (no battle to count) are left empty. */
function matrixOption(title: string, names: readonly string[], values: readonly (readonly (number | null)[])[], max: number, text: ArenaChartText, colors: string[]): ChartOption {
  const data: [number, number, number | '-'][] = [];
  values.forEach((row, i) => row.forEach((v, j) => data.push([j, i, i === j || v === null ? '-' : v])));
  return {
    animation: false,
    title: { text: title, left: 'center', textStyle: { fontSize: 14, fontWeight: 600 } },
    tooltip: { position: 'top' },
    grid: { left: 96, right: 96, top: 48, bottom: 64 },
    xAxis: { type: 'category', data: [...names], name: text.columnAxis, nameLocation: 'middle', nameGap: 36, axisLabel: { interval: 0, rotate: names.length > 4 ? 30 : 0 }, splitArea: { show: true } },
    yAxis: { type: 'category', data: [...names], name: text.rowAxis, nameLocation: 'middle', nameGap: 80, inverse: true, axisLabel: { interval: 0 }, splitArea: { show: true } },
    visualMap: { min: 0, max, calculable: false, orient: 'vertical', right: 8, top: 'middle', itemHeight: 120, inRange: { color: colors } },
    series: [{ type: 'heatmap', data, label: { show: true }, emphasis: { itemStyle: { borderColor: '#333', borderWidth: 1 } } }],
  };
}

const round2 = (v: number | null) => (v === null ? null : Math.round(v * 100) / 100);

/** The charts of an arena's ratings, in the order the window shows them. */
export function arenaCharts(r: ArenaRatings, text: ArenaChartText): ArenaChart[] {
  const names = r.models.map((m) => m.name);
  const most = Math.max(1, ...r.battleCounts.flat());
  return [
    { key: 'ratings', option: ratingsOption(r, text) },
    { key: 'battle-counts', option: matrixOption(text.countsTitle, names, r.battleCounts, most, text, ['#f4f7fd', chartPalette[0]!]) },
    { key: 'win-rates', option: matrixOption(text.winRatesTitle, names, r.winRates.map((row) => row.map(round2)), 1, text, ['#d9534f', '#f7f7f7', '#3b8c5a']) },
  ];
}
