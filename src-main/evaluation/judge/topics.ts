import type { CardLanguage } from '../../contract/role-card';
import { clientUtterances, type DatasetSession } from '../dataset';
import { meanSd, type MeanSd } from '../describe';
import type { Answer, JudgeQuestion, Reading } from './ask';
import { entropyBits } from './entropy';
import { fillTemplate, type Topic } from './materials';
import { readTopics } from './topic-reply';

// Topic diversity (paper §4.1, Figure 3): a judge assigns topics from a list to each
// session's client utterances (joined with line breaks, the opener included), in R rounds.
// Per round, every session's distinct listed topics are counted over the dataset; the
// round's entropy (bits) is that distribution's. Mean and sd over the rounds; two datasets
// are compared by a t-test over their rounds' entropies. Topics named outside the list are
// counted per round and in total (`outside`), not in the entropy; a session whose reply
// named no topic after every attempt is `missing` in that round.

export interface TopicsMaterial {
  topics: Topic[];
  template: string;
}

export interface TopicsRound {
  round: number;
  /** Bits; null when no session of the round named a listed topic. */
  entropy: number | null;
  /** Every listed topic, in list order, with the sessions that were assigned it. */
  counts: Record<string, number>;
  outside: Record<string, number>;
  /** Sessions whose replies could not be read in this round. */
  missing: number;
}

export interface TopicsSession {
  sessionId: number;
  runId: number;
  externalId: string | null;
  /** Per round: the listed topics and the outside names, or null (missing). */
  rounds: ({ topics: string[]; outside: string[] } | null)[];
}

export interface TopicsResult {
  measure: 'topics';
  n: number;
  rounds: TopicsRound[];
  entropy: MeanSd;
  /** Outside names over all rounds. */
  outside: Record<string, number>;
  /** Session-rounds with no readable reply, over all rounds. */
  missing: number;
  sessions: TopicsSession[];
}

const topicLines = (topics: readonly Topic[], language: CardLanguage) =>
  topics.map((t) => `- ${t.topic}${language === 'zh' ? '：' : ': '}${t.definition}`).join('\n');

/** Session-major: all rounds of a session are asked together. */
export function topicQuestions(sessions: readonly DatasetSession[], m: TopicsMaterial, language: CardLanguage, rounds: number): JudgeQuestion[] {
  const list = topicLines(m.topics, language);
  return sessions.flatMap((s) => {
    const content = fillTemplate(m.template, { topics: list, utterances: clientUtterances(s).join('\n') });
    return Array.from({ length: rounds }, (_, r) => ({ label: `session ${s.id}, round ${r + 1}`, round: r + 1, messages: [{ role: 'user' as const, content }] }));
  });
}

export const topicReader = (m: TopicsMaterial) => {
  const names = m.topics.map((t) => t.topic);
  return (reply: string): Reading<{ topics: string[]; outside: string[] }> => {
    const r = readTopics(reply, names);
    return r.ok ? { ok: true, value: { topics: r.topics, outside: r.outside } } : r;
  };
};

const tally = (into: Record<string, number>, names: readonly string[]) => {
  for (const name of names) into[name] = (into[name] ?? 0) + 1;
};

/** `answers` in the order of topicQuestions. */
export function topicsResult(sessions: readonly DatasetSession[], m: TopicsMaterial, rounds: number, answers: readonly Answer<{ topics: string[]; outside: string[] }>[]): TopicsResult {
  const perRound: TopicsRound[] = Array.from({ length: rounds }, (_, r) => ({
    round: r + 1,
    entropy: null,
    counts: Object.fromEntries(m.topics.map((t) => [t.topic, 0])),
    outside: {},
    missing: 0,
  }));
  const outside: Record<string, number> = {};
  const scored = sessions.map((s, i): TopicsSession => {
    const byRound = Array.from({ length: rounds }, (_, r) => {
      const reading = answers[i * rounds + r]!.reading;
      const round = perRound[r]!;
      if (!reading.ok) {
        round.missing++;
        return null;
      }
      tally(round.counts, reading.value.topics);
      tally(round.outside, reading.value.outside);
      tally(outside, reading.value.outside);
      return reading.value;
    });
    return { sessionId: s.id, runId: s.runId, externalId: s.externalId, rounds: byRound };
  });
  for (const round of perRound) {
    const h = entropyBits(Object.values(round.counts));
    round.entropy = Number.isNaN(h) ? null : h;
  }
  const entropies = perRound.map((r) => r.entropy).filter((h): h is number => h !== null);
  return {
    measure: 'topics',
    n: sessions.length,
    rounds: perRound,
    entropy: meanSd(entropies),
    outside,
    missing: perRound.reduce((n, r) => n + r.missing, 0),
    sessions: scored,
  };
}
