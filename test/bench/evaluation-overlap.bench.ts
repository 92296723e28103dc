import { afterAll, bench, describe } from 'vitest';
import type { Dataset } from '../../src-main/evaluation/dataset';
import { overlapEvaluation } from '../../src-main/evaluation/overlap';
import { tokeniserFor } from '../../src-main/evaluation/words';
import { cardText } from '../../src-main/role-cards/card-text';
import { syntheticCards } from '../role-cards/support';
import { stopwatch } from './timing';

// `npm run bench`. Issue 9: vocabulary overlap for 1,000 sessions of the fixture's size, both
// groups; target under 2 s. Sessions like SimPsyDial's: a rendered card with a complaint of
// 300–800 characters, 13 client utterances of about 54 characters (Table 1) cut from the
// complaints of other cards. The baseline, measured in the same run, is jieba's own `cut` of
// the same texts (each card once, each client's utterances once): what any overlap must spend.
// This runs on the calling thread; the app would run it in a worker (not yet wired).

const N = 1000;
const cards = syntheticCards(N, 11, { complaintChars: [300, 800] }).map((c) => cardText(c, 'zh'));
const pool = cards.join('');
const dataset: Dataset = {
  spec: { runIds: [1] },
  language: 'zh',
  runs: [{ id: 1, kind: 'simulation', title: 'bench', language: 'zh' }],
  sessions: cards.map((card, i) => ({
    id: i + 1,
    runId: 1,
    externalId: null,
    cardText: card,
    messages: Array.from({ length: 26 }, (_, k) => ({
      role: k % 2 === 0 ? ('client' as const) : ('counselor' as const),
      content: k === 0 ? '你好' : pool.slice(((i * 977 + k * 131) * 7) % (pool.length - 60), ((i * 977 + k * 131) * 7) % (pool.length - 60) + 54),
    })),
  })),
};
const clientTexts = dataset.sessions.map((s) => s.messages.filter((m) => m.role === 'client').map((m) => m.content).join('\n'));
const zh = tokeniserFor('zh'); // the dictionary loads here, not in the timings

const { timed, median } = stopwatch();

describe(`vocabulary overlap of ${N} sessions`, () => {
  bench(
    'overlapEvaluation: segment, both groups, t-tests',
    timed('overlap', () => {
      if (overlapEvaluation(dataset, { seed: 1 }).n !== N) throw new Error('wrong count');
    }),
    { iterations: 5, warmupIterations: 1, time: 0 },
  );
  bench(
    'baseline: jieba.cut of every card and every client once',
    timed('cut', () => {
      let n = 0;
      for (const t of cards) n += zh.words(t).length;
      for (const t of clientTexts) n += zh.words(t).length;
      if (n === 0) throw new Error('no words');
    }),
    { iterations: 5, warmupIterations: 1, time: 0 },
  );
});

afterAll(() => {
  const [took, base] = [median('overlap'), median('cut')];
  console.log(
    [
      '',
      `Vocabulary overlap, ${N} sessions (medians): ${took.toFixed(0)} ms, ${((N / took) * 1000).toFixed(0)} sessions/s (target < 2000 ms: ${took < 2000 ? 'met' : 'MISSED'}); ${(took / base).toFixed(2)}× segmenting the same texts (${base.toFixed(0)} ms)`,
      '',
    ].join('\n'),
  );
});
