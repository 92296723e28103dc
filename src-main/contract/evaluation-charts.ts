// The evaluation's charts as ECharts options, built by pure functions: the window draws
// them with echarts in the browser and the report with echarts' server-side SVG renderer, so
// a chart in the app and in a paper's report is the same chart. They live in the contract
// because it is the one module both the renderer and main may import; they import nothing
// but the contract's number formats (not even echarts' types), and return plain data.

import { pText, testText } from './evaluation-format';

export type ChartOption = Record<string, unknown>;

/** Colours for dataset/group series, in order (the app's blue, then an orange that stays distinct in print). */
export const chartPalette = ['#3b6fd8', '#e07b39', '#4a9c6d', '#9a5bc8'];

const base = (title: string): ChartOption => ({
  animation: false,
  color: chartPalette,
  title: { text: title, left: 'center', textStyle: { fontSize: 14, fontWeight: 600 } },
  tooltip: { trigger: 'axis' },
  legend: { bottom: 0 },
  grid: { left: 56, right: 24, top: 48, bottom: 64 },
});

// ── Histogram ────────────────────────────────────────────────────────────────────────

export interface HistogramRange {
  min: number;
  max: number;
  bins: number;
}

/**
 * Counts of `values` in `bins` equal bins over [min, max]: each bin is [lower, upper), the last
 * also holds max itself. Values outside the range are not counted (the range is the measure's
 * own, [0, 1] for a rate, so there are none).
 */
export function histogramCounts(values: readonly number[], { min, max, bins }: HistogramRange): number[] {
  if (!(max > min) || bins < 1) throw new RangeError('A histogram needs max > min and at least one bin');
  const counts = new Array<number>(bins).fill(0);
  for (const v of values) {
    if (!Number.isFinite(v) || v < min || v > max) continue;
    // Scaled before the division, with a hair of tolerance, so a value on an edge lands in the
    // bin it starts (0.15 / 0.05 is 2.9999999999999996 in floating point; 3/20 must count in 0.15–0.20).
    counts[Math.min(bins - 1, Math.floor(((v - min) * bins) / (max - min) + 1e-9))]!++;
  }
  return counts;
}

/** "0.00–0.05": a bin's label with as many decimals as the bin width needs. */
export function binLabels({ min, max, bins }: HistogramRange): string[] {
  const width = (max - min) / bins;
  let digits = Math.max(0, Math.ceil(-Math.log10(width) - 1e-9));
  while (digits < 6 && Math.abs(width * 10 ** digits - Math.round(width * 10 ** digits)) > 1e-9) digits++;
  // An edge that floating point puts a hair below zero is written 0.00, not -0.00.
  const edge = (v: number) => (Math.abs(v) < width * 1e-9 ? 0 : v).toFixed(digits);
  return Array.from({ length: bins }, (_, i) => `${edge(min + i * width)}–${edge(min + (i + 1) * width)}`);
}

export interface ValueSeries {
  name: string;
  values: readonly number[];
}

/** Overlaid histograms of several groups on the same bins (the paper's Figure 2a: mapping vs random). */
export function histogramOption(o: { title: string; xName: string; yName: string; series: readonly ValueSeries[]; range: HistogramRange }): ChartOption {
  return {
    ...base(o.title),
    xAxis: { type: 'category', name: o.xName, nameLocation: 'middle', nameGap: 30, data: binLabels(o.range), axisLabel: { interval: 'auto' } },
    yAxis: { type: 'value', name: o.yName, minInterval: 1 },
    series: o.series.map((s) => ({
      type: 'bar',
      name: s.name,
      data: histogramCounts(s.values, o.range),
      // Drawn over one another, see-through, as overlaid histograms are read.
      barGap: '-100%',
      barCategoryGap: '4%',
      itemStyle: { opacity: 0.6 },
    })),
  };
}

// ── Bars ─────────────────────────────────────────────────────────────────────────────

/** Grouped bars: one bar per series in each category (topic frequencies of two datasets). */
export function barOption(o: { title: string; yName: string; categories: readonly string[]; series: readonly ValueSeries[]; horizontal?: boolean }): ChartOption {
  const categoryAxis = { type: 'category', data: [...o.categories], axisLabel: { interval: 0, rotate: o.horizontal ? 0 : o.categories.length > 8 ? 40 : 0 } };
  const valueAxis = { type: 'value', name: o.yName };
  return {
    ...base(o.title),
    xAxis: o.horizontal ? valueAxis : categoryAxis,
    yAxis: o.horizontal ? { ...categoryAxis, inverse: true } : valueAxis,
    series: o.series.map((s) => ({ type: 'bar', name: s.name, data: [...s.values] })),
  };
}

// ── Box plots ────────────────────────────────────────────────────────────────────────

/** The p-th quantile (0..1) of sorted values, linear between order statistics (numpy's default, R type 7). */
export function quantile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const h = (sorted.length - 1) * p;
  const lo = Math.floor(h);
  const hi = Math.min(sorted.length - 1, lo + 1);
  return sorted[lo]! + (h - lo) * (sorted[hi]! - sorted[lo]!);
}

export interface BoxStats {
  /** [lower whisker, Q1, median, Q3, upper whisker], as ECharts' boxplot series takes it. */
  box: [number, number, number, number, number];
  outliers: number[];
}

/** Tukey's box: whiskers at the furthest values within 1.5 × IQR of the quartiles; beyond them, outliers. */
export function boxStats(values: readonly number[]): BoxStats {
  const sorted = values.filter(Number.isFinite).sort((x, y) => x - y);
  if (sorted.length === 0) return { box: [Number.NaN, Number.NaN, Number.NaN, Number.NaN, Number.NaN], outliers: [] };
  const q1 = quantile(sorted, 0.25);
  const q3 = quantile(sorted, 0.75);
  const fence = 1.5 * (q3 - q1);
  const inside = sorted.filter((v) => v >= q1 - fence && v <= q3 + fence);
  return {
    box: [inside[0]!, q1, quantile(sorted, 0.5), q3, inside.at(-1)!],
    outliers: sorted.filter((v) => v < q1 - fence || v > q3 + fence),
  };
}

/** Box plots of several groups per category (WAI's Goal, Task, Bond for two datasets; Figure 4). */
export function boxPlotOption(o: { title: string; yName: string; categories: readonly string[]; series: readonly { name: string; groups: readonly (readonly number[])[] }[] }): ChartOption {
  return {
    ...base(o.title),
    tooltip: { trigger: 'item' },
    xAxis: { type: 'category', data: [...o.categories] },
    yAxis: { type: 'value', name: o.yName, scale: true },
    series: o.series.flatMap((s, i) => {
      const stats = s.groups.map(boxStats);
      return [
        { type: 'boxplot', name: s.name, data: stats.map((b) => b.box), itemStyle: { color: `${chartPalette[i % chartPalette.length]}33`, borderColor: chartPalette[i % chartPalette.length] } },
        { type: 'scatter', name: s.name, data: stats.flatMap((b, c) => b.outliers.map((v) => [c, v])), symbolSize: 5 },
      ];
    }),
  };
}

// ── Words on the charts ──────────────────────────────────────────────────────────────

export interface ChartText {
  mapping: string;
  random: string;
  sessions: string;
  overlapAxis: string;
  overlapTitle: (dataset: string) => string;
  semanticAxis: string;
  semanticTitle: (dataset: string) => string;
  topicsTitle: string;
  /** Sessions assigned the topic, mean over rounds. */
  topicsAxis: string;
  /** A topic the judge named outside the list. */
  outside: (topic: string) => string;
  entropyTest: string;
  waiTitle: string;
  waiAxis: string;
  factors: { goal: string; task: string; bond: string };
}

export const chartText: Record<'en' | 'zh', ChartText> = {
  en: {
    mapping: 'Mapping',
    random: 'Random',
    sessions: 'Sessions',
    overlapAxis: 'Vocabulary overlap rate',
    overlapTitle: (dataset: string) => `Vocabulary overlap, ${dataset}`,
    semanticAxis: 'Cosine similarity (card, client)',
    semanticTitle: (dataset: string) => `Semantic consistency, ${dataset}`,
    topicsTitle: 'Topic frequencies',
    topicsAxis: 'Sessions (mean over rounds)',
    outside: (topic: string) => `${topic} (outside the list)`,
    entropyTest: 'Entropy A vs B',
    waiTitle: 'WAI-O-S: Goal, Task, Bond',
    waiAxis: 'Score (1–7)',
    factors: { goal: 'Goal', task: 'Task', bond: 'Bond' },
  },
  zh: {
    mapping: '对应角色卡',
    random: '随机角色卡',
    sessions: '会话数',
    overlapAxis: '词汇重叠率',
    overlapTitle: (dataset: string) => `词汇重叠率：${dataset}`,
    semanticAxis: '余弦相似度（角色卡，来访者）',
    semanticTitle: (dataset: string) => `语义一致性：${dataset}`,
    topicsTitle: '话题频次',
    topicsAxis: '会话数（各轮平均）',
    outside: (topic: string) => `${topic}（列表外）`,
    entropyTest: '熵 A 对 B',
    waiTitle: 'WAI-O-S：目标、任务、情感联结',
    waiAxis: '评分（1–7）',
    factors: { goal: '目标', task: '任务', bond: '情感联结' },
  },
};

// ── The charts of a stored evaluation ────────────────────────────────────────────────

export interface EvaluationChart {
  /** Stable name: a file name when exported, a test id in the window. */
  key: string;
  option: ChartOption;
  /** Pixels, when the chart needs more than the usual (many topics). */
  height?: number;
}

interface ChartSource {
  measure: string;
  scores: readonly { dataset: 'a' | 'b'; values: Record<string, number | string | null> }[];
  datasets: { b: unknown };
  /** Topics read their per-round counts, and every comparison its tests, here. */
  summary?: Record<string, unknown>;
}

interface TestPair {
  student: { t: number | null; df: number | null; p: number | null };
  welch: { t: number | null; df: number | null; p: number | null };
}
interface TopicsSide {
  rounds: { counts: Record<string, number>; outside: Record<string, number> }[];
}

/** Both tests as a chart's subtitle, written as in the tables. */
const pLine = (t: TestPair) => `${testText('Student', t.student)}; ${testText('Welch', t.welch)}`;

/** Histogram bins 0.05 wide from the lowest score (rounded down) to 1: cosines of real embeddings sit well above 0. */
function cosineRange(values: readonly number[]): HistogramRange {
  const finite = values.filter(Number.isFinite);
  const low = finite.length ? Math.max(-1, Math.floor(Math.min(...finite) * 20) / 20) : 0;
  const min = Math.min(low, 0.95);
  return { min, max: 1, bins: Math.round((1 - min) * 20) };
}

/** Each topic's sessions per round, averaged over the rounds; outside names as their own bars. */
function topicFrequencies(side: TopicsSide, text: ChartText): Map<string, number> {
  const sums = new Map<string, number>();
  const n = Math.max(1, side.rounds.length);
  for (const r of side.rounds) {
    for (const [t, c] of Object.entries(r.counts)) sums.set(t, (sums.get(t) ?? 0) + c / n);
    for (const [t, c] of Object.entries(r.outside)) sums.set(text.outside(t), (sums.get(text.outside(t)) ?? 0) + c / n);
  }
  return sums;
}

/** At most this many topics are drawn (the commonest); the CSV and tables hold them all. */
export const TOPICS_SHOWN = 30;

const numbers = (scores: ChartSource['scores'], dataset: 'a' | 'b', key: string): number[] =>
  scores.filter((s) => s.dataset === dataset && typeof s.values[key] === 'number').map((s) => s.values[key] as number);

/**
 * The charts an evaluation shows, in order. `names` are the datasets' labels as the reader
 * knows them ("A: pilot run"). Overlap: Figure 2a per dataset. Measures added later add
 * theirs here (semantic: Figure 2b; topics: bars; WAI: box plots).
 */
export function evaluationCharts(e: ChartSource, text: ChartText, names: { a: string; b: string | null }): EvaluationChart[] {
  const keys: ('a' | 'b')[] = e.datasets.b ? ['a', 'b'] : ['a'];
  if (e.measure === 'overlap') {
    return keys.map((k) => ({
      key: `overlap-${k}`,
      option: histogramOption({
        title: text.overlapTitle((k === 'a' ? names.a : names.b) ?? k.toUpperCase()),
        xName: text.overlapAxis,
        yName: text.sessions,
        range: { min: 0, max: 1, bins: 20 },
        series: [
          { name: text.mapping, values: numbers(e.scores, k, 'mapping') },
          { name: text.random, values: numbers(e.scores, k, 'random') },
        ],
      }),
    }));
  }
  if (e.measure === 'semantic') {
    const all = [...numbers(e.scores, 'a', 'mapping'), ...numbers(e.scores, 'a', 'random'), ...numbers(e.scores, 'b', 'mapping'), ...numbers(e.scores, 'b', 'random')];
    const range = cosineRange(all);
    return keys.map((k) => ({
      key: `semantic-${k}`,
      option: histogramOption({
        title: text.semanticTitle((k === 'a' ? names.a : names.b) ?? k.toUpperCase()),
        xName: text.semanticAxis,
        yName: text.sessions,
        range,
        series: [
          { name: text.mapping, values: numbers(e.scores, k, 'mapping') },
          { name: text.random, values: numbers(e.scores, k, 'random') },
        ],
      }),
    }));
  }
  if (e.measure === 'topics') {
    const sides = keys.map((k) => topicFrequencies((e.summary?.[k] as TopicsSide | undefined) ?? { rounds: [] }, text));
    const total = new Map<string, number>();
    for (const side of sides) for (const [t, v] of side) total.set(t, (total.get(t) ?? 0) + v);
    const categories = [...total].filter(([, v]) => v > 0).sort((x, y) => y[1] - x[1]).slice(0, TOPICS_SHOWN).map(([t]) => t);
    const between = e.summary?.between as TestPair | undefined;
    const option = barOption({
      title: text.topicsTitle,
      yName: text.topicsAxis,
      categories,
      horizontal: true,
      series: keys.map((k, i) => ({ name: (k === 'a' ? names.a : names.b) ?? k.toUpperCase(), values: categories.map((c) => Number((sides[i]!.get(c) ?? 0).toFixed(3))) })),
    });
    const grid = { left: 180, right: 32, top: between ? 64 : 48, bottom: 48 };
    return [{ key: 'topics', height: Math.max(320, 120 + categories.length * (keys.length * 10 + 8)), option: { ...option, grid, title: { ...(option.title as object), ...(between ? { subtext: `${text.entropyTest}: ${pLine(between)}` } : {}) } } }];
  }
  if (e.measure === 'wai') {
    const factors = ['goal', 'task', 'bond'] as const;
    const between = e.summary?.between as Record<string, TestPair> | undefined;
    const option = boxPlotOption({
      title: text.waiTitle,
      yName: text.waiAxis,
      categories: factors.map((f) => (between?.[f] ? `${text.factors[f]}\nStudent p = ${pText(between[f].student.p)}` : text.factors[f])),
      series: keys.map((k) => ({ name: (k === 'a' ? names.a : names.b) ?? k.toUpperCase(), groups: factors.map((f) => numbers(e.scores, k, f)) })),
    });
    return [{ key: 'wai', option: { ...option, grid: { left: 56, right: 24, top: 48, bottom: 72 } } }];
  }
  return [];
}
