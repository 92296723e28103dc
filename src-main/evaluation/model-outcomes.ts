import type { SemanticSummary, StoredScore, TopicsSummary, WaiSummary } from '../contract/evaluation';
import { compareMapping } from './groups';
import type { JudgeEvaluation } from './judge/service';
import type { TopicsResult } from './judge/topics';
import type { WaiResult } from './judge/wai';
import { cardScores, mappingGroup, sessionScores, type MeasureOutcome } from './measures';
import type { SemanticResult } from './semantic';

// The measures a model computes (semantic, topics, WAI), as stored evaluations: the same
// settings, summary and per-session scores the CLI prints, kept so that `eval list`, `eval
// show`, the report and the window read them back without calling anything.

const asRecord = <T>(x: T) => x as unknown as Record<string, unknown>;

/** Semantic consistency: settings say which endpoint, model and seed made the vectors; scores as overlap's. */
export function semanticOutcome(results: SemanticResult[], jobId: number | null, batchSize: number): MeasureOutcome {
  const between = results.length > 1 ? compareMapping(results[0]!, results[1]!) : null;
  const summary: SemanticSummary = { a: mappingGroup(results[0]!), ...(results[1] && between ? { b: mappingGroup(results[1]), between } : {}) };
  const r = results[0]!;
  return {
    settings: {
      ...(jobId === null ? {} : { jobId }),
      seed: r.seed,
      endpoint: r.endpoint,
      model: r.model,
      dims: r.dims,
      maxChars: r.maxChars,
      batchSize,
      truncated: results.reduce((n, x) => n + x.truncated.texts, 0),
      embeddedText: 'the card text; the client utterances joined with a line break',
    },
    summary: asRecord(summary),
    scores: cardScores(results),
  };
}

function topicsGroup(r: TopicsResult) {
  return { n: r.n, rounds: r.rounds, entropy: r.entropy, outside: r.outside, missing: r.missing };
}

function waiGroup(r: WaiResult) {
  return { n: r.n, rounds: r.rounds, goal: r.goal, task: r.task, bond: r.bond, missing: r.missing };
}

/** Topics: each round's listed topics and outside names, `|`-separated, null when missing. */
function topicsScores(results: TopicsResult[]): StoredScore[] {
  return sessionScores(results, (s) =>
    Object.fromEntries(s.rounds.flatMap((x, k) => [[`topics_${k + 1}`, x ? x.topics.join(' | ') : null], [`outside_${k + 1}`, x ? x.outside.join(' | ') : null]])),
  );
}

/** WAI: the factors and each item's mean over rounds (4 and 10 reversed); null when missing. */
function waiScores(results: WaiResult[]): StoredScore[] {
  return sessionScores(results, (s) => ({
    goal: s.goal,
    task: s.task,
    bond: s.bond,
    ...Object.fromEntries(s.items.map((it) => [`item_${it.item}`, it.mean])),
    missing: s.items.reduce((n, it) => n + it.scores.filter((v) => v === null).length, 0),
  }));
}

/** A judged evaluation: its settings in full (prompt template, topic list or items, judge), summary and scores. */
export function judgeOutcome(e: JudgeEvaluation): MeasureOutcome {
  const results = [e.a, ...(e.b ? [e.b] : [])];
  const note = e.testsNote ? { testsNote: e.testsNote } : {};
  const settings = asRecord({ ...e.settings, calls: e.tally.calls, cached: e.tally.cached, cost: Number(e.tally.cost.toFixed(6)) });
  if (e.a.measure === 'topics') {
    const r = results as TopicsResult[];
    const tests = e.tests && 'entropy' in e.tests ? { between: { student: e.tests.entropy.student, welch: e.tests.entropy.welch } } : {};
    const summary: TopicsSummary = { a: topicsGroup(r[0]!), ...(r[1] ? { b: topicsGroup(r[1]) } : {}), ...tests, ...note };
    return { settings, summary: asRecord(summary), scores: topicsScores(r) };
  }
  const r = results as WaiResult[];
  const tests = e.tests && !('entropy' in e.tests) ? { between: Object.fromEntries(Object.entries(e.tests).map(([f, t]) => [f, { student: t.student, welch: t.welch }])) as WaiSummary['between'] } : {};
  const summary: WaiSummary = { a: waiGroup(r[0]!), ...(r[1] ? { b: waiGroup(r[1]) } : {}), ...tests, ...note };
  return { settings, summary: asRecord(summary), scores: waiScores(r) };
}
