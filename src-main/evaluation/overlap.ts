import { DomainError } from '../common/errors';
import { clientUtterances, runsLabel, type Dataset } from './dataset';
import { cardDerangement } from './derangement';
import { meanSd, type MeanSd } from './describe';
import { tTests, type TTest } from './t-test';
import type { TaskControl } from '../workers/task';
import { tokeniserFor, type Tokeniser } from './words';

// Vocabulary overlap rate (paper §4.1, Eq. 1): for each session,
//   |V(card) ∩ V(client)| / |V(card)|
// where V(card) is the set of words of the card text the client saw (sim_sessions.card_text)
// and V(client) the set of words of all the session's client utterances (the opener
// included: it is u₁), joined with line breaks. Mapping group: each session against its own
// card; random group: against another session's card (derangement.ts). Then mean, sd and
// the two t-tests between the groups. Sessions without a card are listed as excluded, never
// scored; so is a card with no words at all (the rate would be 0/0).

export interface OverlapSession {
  sessionId: number;
  runId: number;
  externalId: string | null;
  /** Against its own card. */
  mapping: number;
  /** Against the card of session `randomCardOf`. */
  random: number;
  randomCardOf: number;
  cardWords: number;
  clientWords: number;
}

export interface ExcludedSession {
  sessionId: number;
  externalId: string | null;
  reason: 'no card' | 'card has no words';
}

export interface OverlapResult {
  n: number;
  seed: number;
  tokeniser: string;
  /** Words in the stopword list applied, or null for none (the default). */
  stopwords: number | null;
  mapping: MeanSd;
  random: MeanSd;
  student: TTest;
  welch: TTest;
  sessions: OverlapSession[];
  excluded: ExcludedSession[];
}

export interface OverlapOptions {
  seed: number;
  stopwords?: ReadonlySet<string>;
  /** Defaults to the dataset language's tokeniser. */
  tokeniser?: Tokeniser;
  /** Progress per session segmented, and a stop between sessions (a worker task's control). */
  control?: TaskControl;
}

/** Eq. 1 on two word sets. */
export function vocabularyOverlap(card: ReadonlySet<string>, client: ReadonlySet<string>): number {
  if (card.size === 0) throw new RangeError('The card has no words');
  let shared = 0;
  for (const w of card) if (client.has(w)) shared++;
  return shared / card.size;
}

export function overlapEvaluation(dataset: Dataset, options: OverlapOptions): OverlapResult {
  const tokeniser = options.tokeniser ?? tokeniserFor(dataset.language);
  const stop = options.stopwords;
  const vocabulary = (text: string): Set<string> => {
    const set = new Set(tokeniser.words(text));
    if (stop) for (const w of stop) set.delete(w);
    return set;
  };

  const excluded: ExcludedSession[] = [];
  const scored: { session: Dataset['sessions'][number]; card: Set<string>; cardText: string; client: Set<string> }[] = [];
  const cardVocabulary = new Map<string, Set<string>>(); // repeated cards are segmented once
  const control = options.control;
  for (const [done, session] of dataset.sessions.entries()) {
    control?.checkpoint();
    control?.progress(done, dataset.sessions.length);
    if (session.cardText === null || session.cardText.trim() === '') {
      excluded.push({ sessionId: session.id, externalId: session.externalId, reason: 'no card' });
      continue;
    }
    let card = cardVocabulary.get(session.cardText);
    if (!card) cardVocabulary.set(session.cardText, (card = vocabulary(session.cardText)));
    if (card.size === 0) {
      excluded.push({ sessionId: session.id, externalId: session.externalId, reason: 'card has no words' });
      continue;
    }
    scored.push({ session, card, cardText: session.cardText, client: vocabulary(clientUtterances(session).join('\n')) });
  }

  const where = runsLabel(dataset.spec.runIds);
  if (scored.length < 2) {
    const noCard = excluded.filter((e) => e.reason === 'no card').length;
    const noWords = excluded.length - noCard;
    const why = [noCard ? `${noCard} without a card` : '', noWords ? `${noWords} whose card has no words` : ''].filter(Boolean).join(', ');
    throw new DomainError(
      'validation',
      scored.length === 0 && noWords === 0
        ? `None of the ${dataset.sessions.length} sessions of ${where} has a card (imported dialogues have none unless imported with their cards), so no overlap can be measured.`
        : `Only ${scored.length === 0 ? 'no' : 'one'} session of ${where} can be scored (${why}): the random group needs at least two sessions with cards.`,
    );
  }

  const pairing = cardDerangement(scored.map((s) => s.cardText), options.seed);
  const sessions: OverlapSession[] = scored.map((s, i) => {
    const other = scored[pairing[i]!]!;
    return {
      sessionId: s.session.id,
      runId: s.session.runId,
      externalId: s.session.externalId,
      mapping: vocabularyOverlap(s.card, s.client),
      random: vocabularyOverlap(other.card, s.client),
      randomCardOf: other.session.id,
      cardWords: s.card.size,
      clientWords: s.client.size,
    };
  });
  const mapping = sessions.map((s) => s.mapping);
  const random = sessions.map((s) => s.random);
  return {
    n: sessions.length,
    seed: options.seed,
    tokeniser: tokeniser.description,
    stopwords: stop ? stop.size : null,
    mapping: meanSd(mapping),
    random: meanSd(random),
    ...tTests(mapping, random),
    sessions,
    excluded,
  };
}

/** Two datasets side by side: the t-tests between their mapping groups. */
export function compareMapping(a: OverlapResult, b: OverlapResult) {
  return tTests(
    a.sessions.map((s) => s.mapping),
    b.sessions.map((s) => s.mapping),
  );
}
