import { DomainError } from '../common/errors';
import { runsLabel, type Dataset, type DatasetSession } from './dataset';
import { cardDerangement } from './derangement';
import { meanSd, type MeanSd } from './describe';
import { tTests, type TTest } from './t-test';

// What the card-based measures (vocabulary overlap, semantic consistency) share: the sessions
// that have a card and those left out (listed, never scored), the mapping group (each client
// against its own card) and the random group (against another session's card, a seeded
// derangement), and the summary: mean, sd and the two t-tests between the groups.

export interface ExcludedSession {
  sessionId: number;
  externalId: string | null;
  reason: 'no card' | 'card has no words';
}

/** A session with the card text its client saw. */
export interface CardedSession {
  session: DatasetSession;
  cardText: string;
}

export interface GroupScores {
  sessionId: number;
  runId: number;
  externalId: string | null;
  /** Against its own card. */
  mapping: number;
  /** Against the card of session `randomCardOf`. */
  random: number;
  randomCardOf: number;
}

export interface GroupSummary {
  n: number;
  mapping: MeanSd;
  random: MeanSd;
  student: TTest;
  welch: TTest;
}

/** The sessions with a card; the others are added to `excluded` as 'no card'. */
export function sessionsWithCards(dataset: Dataset, excluded: ExcludedSession[]): CardedSession[] {
  const carded: CardedSession[] = [];
  for (const session of dataset.sessions) {
    if (session.cardText === null || session.cardText.trim() === '') excluded.push({ sessionId: session.id, externalId: session.externalId, reason: 'no card' });
    else carded.push({ session, cardText: session.cardText });
  }
  return carded;
}

/** Throws, saying why, unless at least two sessions can be scored (a derangement needs two). */
export function requireTwoScorable(dataset: Dataset, scorable: number, excluded: readonly ExcludedSession[], measure: string): void {
  if (scorable >= 2) return;
  const where = runsLabel(dataset.spec.runIds);
  const noCard = excluded.filter((e) => e.reason === 'no card').length;
  const noWords = excluded.length - noCard;
  // What was left out; nothing when the dataset itself holds a single session.
  const why = [noCard ? `${noCard} without a card` : '', noWords ? `${noWords} whose card has no words` : ''].filter(Boolean).join(', ');
  throw new DomainError(
    'validation',
    scorable === 0 && noWords === 0
      ? `None of the ${dataset.sessions.length} sessions of ${where} has a card (import dialogues with their cards: simpsy dialogues import DIR/dialogue --cards DIR --split train), so no ${measure} can be measured.`
      : `Only ${scorable === 0 ? 'no' : 'one'} session of ${where} can be scored (${why || 'it holds one session'}): the random group needs at least two sessions with cards.`,
  );
}

/**
 * Scores each session against its own card and against the card the seeded derangement
 * gives it; `score(client, card)` is the measure of session `client`'s client utterances
 * against session `card`'s card.
 */
export function mappingAndRandom<T extends CardedSession>(scored: readonly T[], seed: number, score: (client: T, card: T) => number): GroupScores[] {
  const pairing = cardDerangement(
    scored.map((s) => s.cardText),
    seed,
  );
  return scored.map((s, i) => {
    const other = scored[pairing[i]!]!;
    return {
      sessionId: s.session.id,
      runId: s.session.runId,
      externalId: s.session.externalId,
      mapping: score(s, s),
      random: score(s, other),
      randomCardOf: other.session.id,
    };
  });
}

export function summarise(sessions: readonly GroupScores[]): GroupSummary {
  const mapping = sessions.map((s) => s.mapping);
  const random = sessions.map((s) => s.random);
  return { n: sessions.length, mapping: meanSd(mapping), random: meanSd(random), ...tTests(mapping, random) };
}

/** Two datasets side by side: the t-tests between their mapping groups. */
export function compareMapping(a: { sessions: readonly GroupScores[] }, b: { sessions: readonly GroupScores[] }) {
  return tTests(
    a.sessions.map((s) => s.mapping),
    b.sessions.map((s) => s.mapping),
  );
}

/** "2 sessions have no card: ids 3, 5; 1 session's card has no words: id 7" (the first ten ids of each). */
export function excludedNote(excluded: readonly ExcludedSession[]): string {
  const ids = (list: ExcludedSession[]) => `${list.length === 1 ? 'id' : 'ids'} ${list.slice(0, 10).map((e) => e.sessionId).join(', ')}${list.length > 10 ? ', …' : ''}`;
  const noCard = excluded.filter((e) => e.reason === 'no card');
  const noWords = excluded.filter((e) => e.reason === 'card has no words');
  return [
    noCard.length ? `${noCard.length} session${noCard.length === 1 ? ' has' : 's have'} no card: ${ids(noCard)}` : '',
    noWords.length ? `${noWords.length} session${noWords.length === 1 ? "'s card has" : "s' cards have"} no words: ${ids(noWords)}` : '',
  ]
    .filter(Boolean)
    .join('; ');
}
