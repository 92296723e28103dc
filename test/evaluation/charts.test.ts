import { describe, expect, it } from 'vitest';
import { barOption, binLabels, boxPlotOption, boxStats, chartText, evaluationCharts, histogramCounts, histogramOption, quantile } from '../../src-main/contract/evaluation-charts';
import { chartSvg } from '../../src-main/evaluation/report';

// The chart builders are pure: counts, quartiles and labels checked by hand (and against
// numpy, whose default percentile is the same linear rule), then drawn by echarts' own
// server-side SVG renderer, as the report draws them.

describe('histogram', () => {
  it('counts each value in the bin it starts, the maximum in the last bin', () => {
    const range = { min: 0, max: 1, bins: 20 };
    const counts = histogramCounts([0, 0.049999, 0.05, 0.15, 3 / 20, 0.5, 0.7, 1, 1, -0.1, 1.2, Number.NaN], range);
    expect(counts).toHaveLength(20);
    expect(counts[0]).toBe(2);
    expect(counts[1]).toBe(1);
    expect(counts[3]).toBe(2); // 0.15 and 3/20 in 0.15–0.20, though 0.15 / 0.05 < 3 in floating point
    expect(counts[10]).toBe(1);
    expect(counts[14]).toBe(1); // 0.7 × 20 = 13.999999999999998 would put it in bin 13 without the tolerance
    expect(counts[19]).toBe(2);
    expect(counts.reduce((a, b) => a + b, 0)).toBe(9); // out of range and NaN are not counted
    expect(() => histogramCounts([1], { min: 1, max: 1, bins: 3 })).toThrow(RangeError);
  });

  it('labels bins with the decimals their width needs', () => {
    expect(binLabels({ min: 0, max: 1, bins: 20 })).toEqual(expect.arrayContaining(['0.00–0.05', '0.95–1.00']));
    expect(binLabels({ min: 0, max: 1, bins: 10 })[3]).toBe('0.3–0.4');
    expect(binLabels({ min: 0, max: 1, bins: 40 })[1]).toBe('0.025–0.050');
    expect(binLabels({ min: 1, max: 7, bins: 6 })).toEqual(['1–2', '2–3', '3–4', '4–5', '5–6', '6–7']);
  });

  it('overlays the groups on one set of bins', () => {
    const o = histogramOption({ title: 'T', xName: 'x', yName: 'n', range: { min: 0, max: 1, bins: 4 }, series: [{ name: 'Mapping', values: [0.9, 0.8] }, { name: 'Random', values: [0.1] }] });
    const series = o.series as { name: string; data: number[]; barGap: string }[];
    expect(series.map((s) => [s.name, s.data, s.barGap])).toEqual([
      ['Mapping', [0, 0, 0, 2], '-100%'],
      ['Random', [1, 0, 0, 0], '-100%'],
    ]);
  });
});

describe('box plot', () => {
  it('has numpy quartiles and Tukey whiskers, with outliers apart', () => {
    const values = [5, 1, 9, 2, 8, 3, 7, 4, 6, 100];
    // numpy.percentile(values, [25, 50, 75]) = 3.25, 5.5, 7.75; fences 3.25 − 6.75, 7.75 + 6.75 = 14.5
    expect(boxStats(values)).toEqual({ box: [1, 3.25, 5.5, 7.75, 9], outliers: [100] });
    expect(quantile([4], 0.25)).toBe(4);
    expect(boxStats([]).box.every(Number.isNaN)).toBe(true);
    const o = boxPlotOption({ title: 'WAI', yName: 'score', categories: ['Goal', 'Task', 'Bond'], series: [{ name: 'A', groups: [values, [1, 2], [3]] }] });
    expect((o.series as { type: string }[]).map((s) => s.type)).toEqual(['boxplot', 'scatter']);
    expect((o.series as { data: unknown[] }[])[1]!.data).toEqual([[0, 100]]);
  });
});

describe('bars', () => {
  it('puts one bar per dataset in each category, horizontally when asked', () => {
    const o = barOption({ title: 'Topics', yName: 'n', categories: ['失眠', '家庭'], series: [{ name: 'A', values: [3, 1] }, { name: 'B', values: [0, 2] }], horizontal: true });
    expect((o.yAxis as { data: string[]; inverse: boolean }).data).toEqual(['失眠', '家庭']);
    expect((o.series as { data: number[] }[]).map((s) => s.data)).toEqual([[3, 1], [0, 2]]);
  });
});

describe('drawn by echarts as SVG', () => {
  it('draws an overlap evaluation as one histogram per dataset, in both languages', () => {
    const e = {
      measure: 'overlap',
      datasets: { b: {} },
      scores: [
        { dataset: 'a' as const, values: { mapping: 0.5, random: 0.1 } },
        { dataset: 'b' as const, values: { mapping: 0.4, random: 0.2 } },
      ],
    };
    const charts = evaluationCharts(e, chartText.zh, { a: 'A: 模拟', b: 'B: 真实' });
    expect(charts.map((c) => c.key)).toEqual(['overlap-a', 'overlap-b']);
    const svg = chartSvg(charts[0]!.option);
    expect(svg).toMatch(/^<svg[^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    for (const text of ['词汇重叠率：A: 模拟', '对应角色卡', '随机角色卡', '0.00–0.05']) expect(svg).toContain(text);
    const en = chartSvg(evaluationCharts(e, chartText.en, { a: 'A: sim', b: null })[1]!.option);
    expect(en).toContain('Vocabulary overlap rate');
    expect(evaluationCharts({ ...e, measure: 'stats' }, chartText.en, { a: 'A', b: null })).toEqual([]);
  });
});
