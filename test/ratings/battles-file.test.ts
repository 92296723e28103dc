import { describe, expect, it } from 'vitest';
import { parseBattlesFile } from '../../src-main/ratings/battles-file';

// A battles file as Chatbot Arena publishes it (a JSON array) or as JSONL, and every kind of
// bad input, each answered with the file, the line (or the battle's place) and the field.

const line = (o: Record<string, unknown>) => JSON.stringify(o);
const ok = { model_a: 'A', model_b: 'B', winner: 'model_a' };

describe('reading a battles file', () => {
  it('reads JSONL and a JSON array alike, with optional tstamp and judge, ignoring other fields', () => {
    const jsonl = [line({ ...ok, tstamp: 1732800000.5, judge: 'gpt-4o', anony: true }), '', line({ model_a: '来访者甲', model_b: 'B', winner: 'tie (bothbad)', tstamp: 1732700000 })].join('\r\n');
    const fromLines = parseBattlesFile(`\uFEFF${jsonl}\n`, 'b.jsonl');
    expect(fromLines).toEqual([
      { modelA: '来访者甲', modelB: 'B', winner: 'tie (bothbad)', judge: null, source: 'b.jsonl', at: '2024-11-27T09:33:20.000Z' },
      { modelA: 'A', modelB: 'B', winner: 'model_a', judge: 'gpt-4o', source: 'b.jsonl', at: '2024-11-28T13:20:00.500Z' },
    ]);
    const fromArray = parseBattlesFile(JSON.stringify([ok, { model_a: 'B', model_b: 'A', winner: 'tie' }]), 'b.json');
    expect(fromArray.map((b) => [b.modelA, b.winner, b.at])).toEqual([['A', 'model_a', null], ['B', 'tie', null]]);
  });

  it('keeps the file order among equal tstamps, and accepts ISO times', () => {
    const battles = parseBattlesFile([line({ ...ok, tstamp: '2026-01-02T00:00:00Z' }), line({ ...ok, winner: 'model_b', tstamp: '2026-01-01T00:00:00Z' }), line({ ...ok, winner: 'tie', tstamp: '2026-01-02T00:00:00Z' })].join('\n'), 'f');
    expect(battles.map((b) => b.winner)).toEqual(['model_b', 'model_a', 'tie']);
  });

  const bad: [string, string, RegExp][] = [
    ['a judge that answered "C"', line({ ...ok }) + '\n' + line({ ...ok, winner: 'C' }), /^f\.jsonl, line 2: field 'winner' is "C"; it must be one of "model_a", "model_b", "tie", "tie \(bothbad\)"\. Fix the file/],
    ['a missing model', line({ model_a: 'A', winner: 'tie' }), /^f\.jsonl, line 1: field 'model_b' is missing/],
    ['an empty model name', line({ ...ok, model_a: '  ' }), /line 1: field 'model_a' must be a model's name \(text\), got " {2}"/],
    ['a model against itself', line({ ...ok, model_b: 'A' }), /line 1: model_a and model_b are both 'A'/],
    ['a missing winner', line({ model_a: 'A', model_b: 'B' }), /line 1: field 'winner' is missing/],
    ['bad JSON on line 3', `${line(ok)}\n\n{"model_a": "A",`, /^f\.jsonl, line 3: not valid JSON/],
    ['a line that is not an object', `${line(ok)}\n[1, 2]`, /line 2: a battle must be a JSON object/],
    ['a bad tstamp', line({ ...ok, tstamp: 'yesterday' }), /line 1: field 'tstamp' must be seconds since 1970 or an ISO 8601 time, got "yesterday"/],
    ['a judge that is not text', line({ ...ok, judge: 3 }), /line 1: field 'judge' must be text, got 3/],
    ['tstamps on some battles only', `${line({ ...ok, tstamp: 5 })}\n${line(ok)}`, /line 2: field 'tstamp' is missing, while 1 other battle\(s\) have one/],
    ['no battles at all', '\n\n', /^f\.jsonl holds no battles/],
    ['a JSON array with a bad element', JSON.stringify([ok, { ...ok, winner: 'model_c' }]), /^f\.jsonl, battle 2: field 'winner' is "model_c"/],
    ['a broken JSON array', '[{"model_a": "A"', /^f\.jsonl is not valid JSON/],
  ];
  it.each(bad)('refuses %s, naming the file, the place and the field', (_, text, message) => {
    expect(() => parseBattlesFile(text, 'f.jsonl')).toThrow(message);
  });
});
