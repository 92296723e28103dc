import type { CardLanguage } from '../../contract/role-card';
import type { DatasetSession } from '../dataset';
import { meanSd, type MeanSd } from '../describe';
import type { Answer, JudgeQuestion, Reading } from './ask';
import { fillTemplate, type WaiItemText } from './materials';
import { readScore } from './score-reply';

// WAI-O-S (paper §4.2.1, Figures 4, 10, 11): the judge scores each of the 12 items for each
// session (prompt of Figure 11: the dialogue, the item, its 1–7 guide), in R rounds.
//  - items 4 and 10 are worded against the alliance: their scores are reversed (8 − score);
//  - an item's score for a session is the mean over the rounds whose reply gave a score;
//  - Goal, Task and Bond (Figure 10) are the mean of their four items, for a session with a
//    score for all four; a session lacking one is left out of that factor (counted in `n`);
//  - a reply with no readable score after every attempt is missing, counted, never a number.

export type WaiFactor = 'goal' | 'task' | 'bond';

export const WAI_FACTORS: Record<WaiFactor, readonly number[]> = { goal: [4, 6, 10, 11], task: [1, 2, 8, 12], bond: [3, 5, 7, 9] };
export const WAI_REVERSED: ReadonlySet<number> = new Set([4, 10]);

export interface WaiMaterial {
  items: WaiItemText[];
  template: string;
}

export interface WaiItemScore {
  item: number;
  /** The judge's scores per round as given (before reversing); null where missing. */
  scores: (number | null)[];
  /** Mean over the rounds with a score, reversed for items 4 and 10; null if none. */
  mean: number | null;
}

export interface WaiSession {
  sessionId: number;
  runId: number;
  externalId: string | null;
  goal: number | null;
  task: number | null;
  bond: number | null;
  items: WaiItemScore[];
}

export interface WaiFactorSummary extends MeanSd {
  /** Sessions with all four items scored. */
  n: number;
}

export interface WaiResult {
  measure: 'wai';
  n: number;
  rounds: number;
  goal: WaiFactorSummary;
  task: WaiFactorSummary;
  bond: WaiFactorSummary;
  /** Questions (session × item × round) with no readable score. */
  missing: number;
  sessions: WaiSession[];
}

const ROLE_LABEL: Record<CardLanguage, { client: string; counselor: string }> = {
  zh: { client: '来访者', counselor: '咨询师' },
  en: { client: 'Client', counselor: 'Counselor' },
};

/** The dialogue as the judge reads it: one utterance a line, "来访者：…" / "Counselor: …". */
export function conversationText(s: DatasetSession, language: CardLanguage): string {
  const labels = ROLE_LABEL[language];
  const colon = language === 'zh' ? '：' : ': ';
  return s.messages.map((m) => `${labels[m.role]}${colon}${m.content.replace(/\s*\n\s*/gu, ' ')}`).join('\n');
}

/** Session-major, then item, then round. */
export function waiQuestions(sessions: readonly DatasetSession[], m: WaiMaterial, language: CardLanguage, rounds: number): JudgeQuestion[] {
  return sessions.flatMap((s) => {
    const conversation = conversationText(s, language);
    return m.items.flatMap((item) => {
      const content = fillTemplate(m.template, { conversation, questionnaire: item.text, guidelines: item.guide });
      return Array.from({ length: rounds }, (_, r) => ({
        label: `session ${s.id}, WAI item ${item.item}, round ${r + 1}`,
        round: r + 1,
        messages: [{ role: 'user' as const, content }],
      }));
    });
  });
}

export function readWaiScore(reply: string): Reading<number> {
  const r = readScore(reply);
  return r.ok ? { ok: true, value: r.score } : { ok: false, detail: `${r.problem}: ${r.detail}` };
}

const mean = (values: readonly number[]) => values.reduce((s, v) => s + v, 0) / values.length;

function summary(values: readonly (number | null)[]): WaiFactorSummary {
  const present = values.filter((v): v is number => v !== null);
  return { ...meanSd(present), n: present.length };
}

/** `answers` in the order of waiQuestions. */
export function waiResult(sessions: readonly DatasetSession[], m: WaiMaterial, rounds: number, answers: readonly Answer<number>[]): WaiResult {
  let missing = 0;
  const scored = sessions.map((s, si): WaiSession => {
    const items = m.items.map((item, ii): WaiItemScore => {
      const scores = Array.from({ length: rounds }, (_, r) => {
        const reading = answers[(si * m.items.length + ii) * rounds + r]!.reading;
        if (reading.ok) return reading.value;
        missing++;
        return null;
      });
      const given = scores.filter((v): v is number => v !== null).map((v) => (WAI_REVERSED.has(item.item) ? 8 - v : v));
      return { item: item.item, scores, mean: given.length > 0 ? mean(given) : null };
    });
    const factor = (f: WaiFactor) => {
      const means = WAI_FACTORS[f].map((n) => items.find((it) => it.item === n)?.mean ?? null);
      return means.every((v) => v !== null) ? mean(means as number[]) : null;
    };
    return { sessionId: s.id, runId: s.runId, externalId: s.externalId, goal: factor('goal'), task: factor('task'), bond: factor('bond'), items };
  });
  return {
    measure: 'wai',
    n: sessions.length,
    rounds,
    goal: summary(scored.map((s) => s.goal)),
    task: summary(scored.map((s) => s.task)),
    bond: summary(scored.map((s) => s.bond)),
    missing,
    sessions: scored,
  };
}
