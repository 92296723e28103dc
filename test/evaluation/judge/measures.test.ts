import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { DatasetSession } from '../../../src-main/evaluation/dataset';
import type { Answer } from '../../../src-main/evaluation/judge/ask';
import { entropyBits } from '../../../src-main/evaluation/judge/entropy';
import { readTemplate, readTopicList, readWaiItems } from '../../../src-main/evaluation/judge/materials';
import { topicsResult } from '../../../src-main/evaluation/judge/topics';
import { waiQuestions, waiResult, WAI_FACTORS } from '../../../src-main/evaluation/judge/wai';
import { findResourcesDir } from '../../../src-main/simulation/resources';
import { tempDir } from '../../support/temp';

const resources = findResourcesDir(process.env);

describe('entropy in bits', () => {
  // Reference: scipy 1.17.1, scipy.stats.entropy(counts, base=2), printed with repr().
  const reference: [number[], number][] = [
    [[1, 1, 2], 1.5],
    [[3, 1], 0.8112781244591328],
    [[5, 3, 2, 1, 1], 2.054585169337799],
    [Array<number>(60).fill(1), 5.906890595608517],
    [[10, 0, 7, 3, 1, 1, 2], 2.1005602963278096],
    [[1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 3.10364346993948],
  ];
  it.each(reference)('H(%j) = %d', (counts, h) => {
    expect(Math.abs(entropyBits(counts) - h)).toBeLessThanOrEqual(1e-12 * h);
  });
  it('is 0 for one topic and undefined for none', () => {
    expect(Object.is(entropyBits([4, 0]), 0)).toBe(true);
    expect(entropyBits([0, 0])).toBeNaN();
  });
});

const session = (id: number): DatasetSession => ({ id, runId: 1, externalId: null, cardText: null, messages: [{ role: 'client', content: '你好' }] });
const ok = <T>(value: T): Answer<T> => ({ reading: { ok: true, value }, attempts: 1, replies: [] });
const missing = <T>(): Answer<T> => ({ reading: { ok: false, detail: 'no_score' }, attempts: 3, replies: [] });

describe('topic diversity by hand', () => {
  const m = { topics: [{ topic: '焦虑', definition: 'd' }, { topic: '失眠', definition: 'd' }, { topic: '学业', definition: 'd' }], template: '{topics}{utterances}' };
  it('counts each session once per topic per round, keeps outside names apart, and counts the missing', () => {
    // Round 1: s1 {焦虑, 失眠}, s2 {焦虑} + outside 拖延症 → counts 2, 1, 0 → H([2, 1]) = 0.9182958340544894 (scipy 1.17.1 entropy([2, 1], base=2))
    // Round 2: s1 {焦虑}, s2 missing → H([1]) = 0
    const answers = [
      ok({ topics: ['焦虑', '失眠'], outside: [] }), ok({ topics: ['焦虑'], outside: [] }),
      ok({ topics: ['焦虑'], outside: ['拖延症'] }), missing<{ topics: string[]; outside: string[] }>(),
    ];
    const r = topicsResult([session(1), session(2)], m, 2, answers);
    expect(r.rounds.map((x) => x.counts)).toEqual([{ 焦虑: 2, 失眠: 1, 学业: 0 }, { 焦虑: 1, 失眠: 0, 学业: 0 }]);
    expect(Math.abs(r.rounds[0]!.entropy! - 0.9182958340544894)).toBeLessThanOrEqual(1e-15);
    expect(r.rounds[1]!.entropy).toBe(0);
    expect(r.rounds.map((x) => x.missing)).toEqual([0, 1]);
    expect(r.outside).toEqual({ 拖延症: 1 });
    expect(r.rounds[0]!.outside).toEqual({ 拖延症: 1 });
    expect(r.missing).toBe(1);
    expect(r.entropy.mean).toBeCloseTo(0.9182958340544894 / 2, 15);
    expect(r.sessions[1]!.rounds).toEqual([{ topics: ['焦虑'], outside: ['拖延症'] }, null]);
  });
});

describe('WAI-O-S by hand', () => {
  const items = readWaiItems(resources, 'en');
  const m = { items, template: readTemplate(resources, 'wai-prompt', 'en', ['conversation', 'questionnaire', 'guidelines']) };
  it('follows Figure 10 and reverses items 4 and 10', () => {
    expect(WAI_FACTORS).toEqual({ goal: [4, 6, 10, 11], task: [1, 2, 8, 12], bond: [3, 5, 7, 9] });
    expect(items.map((i) => i.item)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    expect(items[3]!.text).toBe('There are doubts or a lack of understanding about what participants are trying to accomplish in therapy.');
  });
  it('averages rounds, reverses, groups into factors and leaves out a factor with an unscored item', () => {
    // Two rounds. Session 1: every item 6 in round 1 and 5 in round 2, except item 4: 2 then 3 (reversed: 6, 5),
    // item 10: 1 then 1 (reversed: 7, 7). Goal = mean(5.5, 5.5, 7, 5.5) = 5.875; Task = Bond = 5.5.
    // Session 2: item 9 missing in both rounds → no Bond; item 3 missing in round 1 only → its round 2 score.
    const s1 = (item: number, round: number) => (item === 4 ? [2, 3][round]! : item === 10 ? 1 : [6, 5][round]!);
    const s2 = (item: number, round: number) => (item === 9 || (item === 3 && round === 0) ? null : 4);
    const answers: Answer<number>[] = [];
    for (const score of [s1, s2]) for (let item = 1; item <= 12; item++) for (let r = 0; r < 2; r++) {
      const v = score(item, r);
      answers.push(v === null ? missing<number>() : ok(v));
    }
    const sessions = [session(1), session(2)];
    expect(waiQuestions(sessions, m, 'en', 2)).toHaveLength(48);
    const r = waiResult(sessions, m, 2, answers);
    expect(r.sessions[0]).toMatchObject({ goal: 5.875, task: 5.5, bond: 5.5 });
    expect(r.sessions[0]!.items[3]).toEqual({ item: 4, scores: [2, 3], mean: 5.5 });
    expect(r.sessions[1]).toMatchObject({ goal: 4, task: 4, bond: null });
    expect(r.sessions[1]!.items[2]).toEqual({ item: 3, scores: [null, 4], mean: 4 });
    expect(r.missing).toBe(3);
    expect(r.goal).toEqual({ mean: (5.875 + 4) / 2, sd: Math.sqrt(((5.875 - 4.9375) ** 2 + (4 - 4.9375) ** 2) / 1), n: 2 });
    expect(r.bond).toEqual({ mean: 5.5, sd: null, n: 1 });
  });
  it('puts the dialogue, the item and its guide into the Figure 11 prompt', () => {
    const s: DatasetSession = { ...session(1), messages: [{ role: 'client', content: 'Hello' }, { role: 'counselor', content: 'Hi,\nwhat brings you here?' }] };
    const q = waiQuestions([s], m, 'en', 1)[0]!;
    expect(q.messages[0]!.content).toContain('Start of the conversation\nClient: Hello\nCounselor: Hi, what brings you here?\nEnd of the conversation');
    expect(q.messages[0]!.content).toContain(`Questionnaire: ${items[0]!.text}\nStart of guidelines for the questionnaire\n${items[0]!.guide}\n`);
    expect(q.messages[0]!.content.endsWith('Your score is')).toBe(true);
  });
});

describe('the shipped lists and bad files', () => {
  it('ships about 60 topics in each language, each with a definition', () => {
    const zh = readTopicList(resources, 'zh');
    const en = readTopicList(resources, 'en');
    expect(zh).toHaveLength(60);
    expect(en).toHaveLength(60);
    expect(readWaiItems(resources, 'zh')).toHaveLength(12);
  });
  const bad: [string, string, RegExp][] = [
    ['not JSON', '[\n  { "topic": "焦虑", "definition": "d" },\n  { "topic": "失眠" "definition": "d" }\n]', /topics\.json, line 3: not valid JSON/],
    ['a topic without a definition', '[\n  { "topic": "焦虑", "definition": "d" },\n  { "topic": "失眠", "definition": "" }\n]', /line 3, element 2, field "definition": give a one-line definition/],
    ['a repeated topic', '[\n  { "topic": "焦虑", "definition": "d" },\n  { "topic": "焦虑", "definition": "e" }\n]', /line 3: topic "焦虑" is listed twice/],
    ['one topic', '[{ "topic": "焦虑", "definition": "d" }]', /at least two topics/],
    ['an unknown field', '[{ "topic": "焦虑", "definition": "d", "colour": 1 }, { "topic": "b", "definition": "d" }]', /element 1.*Unrecognized key/],
  ];
  it.each(bad)('names the file, line and field of %s', (_, text, message) => {
    const file = join(tempDir(), 'topics.json');
    writeFileSync(file, text);
    expect(() => readTopicList(resources, 'zh', file)).toThrow(message);
  });
  it('refuses a prompt template without its placeholders, naming them', () => {
    const file = join(tempDir(), 'prompt.txt');
    writeFileSync(file, 'Rate this: {conversation}');
    expect(() => readTemplate(resources, 'wai-prompt', 'en', ['conversation', 'questionnaire', 'guidelines'], file)).toThrow(/prompt\.txt: the template lacks \{questionnaire\} and \{guidelines\}/);
  });
  it('refuses WAI items with one missing', () => {
    const file = join(tempDir(), 'items.json');
    writeFileSync(file, JSON.stringify(readWaiItems(resources, 'en').slice(0, 11)));
    expect(() => readWaiItems(resources, 'en', file)).toThrow(/give all 12 WAI-O-S items/);
  });
});
