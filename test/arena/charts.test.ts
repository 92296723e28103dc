import { describe, expect, it } from 'vitest';
import { arenaCharts, type ArenaChartText, type ArenaRatings } from '../../src-main/contract';

// The arena's chart builders are pure (the window draws them with echarts): the numbers they
// put on the charts are the ratings' own.

const text: ArenaChartText = { ratingsTitle: 'R', rating: 'Rating', elo: 'Elo', bt: 'BT', countsTitle: 'C', winRatesTitle: 'W', rowAxis: 'row', columnAxis: 'col' };
const model = (name: string, elo: number, eloCi: [number, number] | null, bt: number, btCi: [number, number] | null) => ({ name, elo, eloCi, eloRank: 1, bt, btCi, btRank: 1, battles: 4, wins: 2, losses: 2, ties: 0, bothBad: 0 });
const ratings: ArenaRatings = {
  arenaId: 1,
  source: 'judge',
  battles: 6,
  bootstrap: 100,
  seed: 42,
  models: [model('alpha', 1012.34, [1008, 1011], 1100, [1050, 1150]), model('beta', 1000, [990, 1010], 1000, null), model('gamma', 988, [980, 995], 900, [850, 950])],
  battleCounts: [[0, 2, 2], [2, 0, 2], [2, 2, 0]],
  winRates: [[null, 1, 0.666666], [0, null, null], [0.333333, null, null]],
  separated: { all: false, rounds: 0 },
};

describe('arena charts', () => {
  it('draws each rating as an interval bar: bounds as the box, the estimate as its line, whiskers reaching an estimate outside', () => {
    const [chart] = arenaCharts(ratings, text);
    const series = chart!.option.series as { name: string; data: number[][] }[];
    expect(series.map((s) => s.name)).toEqual(['Elo', 'BT']);
    // Online Elo's chronological estimate above its bootstrap interval: the whisker reaches it.
    expect(series[0]!.data[0]).toEqual([1008, 1008, 1012.3, 1011, 1012.3]);
    expect(series[0]!.data[1]).toEqual([990, 990, 1000, 1010, 1010]);
    // No interval: the box is the estimate alone.
    expect(series[1]!.data[1]).toEqual([1000, 1000, 1000, 1000, 1000]);
    const axis = chart!.option.yAxis as { min: number; max: number };
    expect(axis.min).toBeLessThanOrEqual(850);
    expect(axis.max).toBeGreaterThanOrEqual(1150);
    expect(axis.min).toBeGreaterThan(0);
  });

  it('puts the matrices in cells [column, row, value], the diagonal and pairs that never met left empty', () => {
    const [, counts, wins] = arenaCharts(ratings, text);
    const cells = (c: typeof counts) => (c!.option.series as { data: unknown[] }[])[0]!.data;
    expect(cells(counts)).toContainEqual([1, 0, 2]);
    expect(cells(counts)).toContainEqual([0, 0, '-']);
    expect(cells(wins)).toContainEqual([2, 0, 0.67]);
    expect(cells(wins)).toContainEqual([1, 2, '-']);
    expect((counts!.option.visualMap as { max: number }).max).toBe(2);
    expect((wins!.option.visualMap as { max: number }).max).toBe(1);
  });
});
