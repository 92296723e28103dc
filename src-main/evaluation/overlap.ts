import { clientUtterances, type Dataset } from './dataset';
import type { MeanSd } from './describe';
import { excludedNote, mappingAndRandom, requireTwoScorable, sessionsWithCards, summarise, type CardedSession, type ExcludedSession, type GroupScores } from './groups';
import type { TTest } from './t-test';
import type { TaskControl } from '../workers/task';
import { tokeniserFor, type Tokeniser } from './words';

export { compareMapping, type ExcludedSession } from './groups';

// Vocabulary overlap rate (paper §4.1, Eq. 1): for each session,
//   |V(card) ∩ V(client)| / |V(card)|
// where V(card) is the set of words of the card text the client saw (sim_sessions.card_text)
// and V(client) the set of words of all the session's client utterances (the opener
// included: it is u₁), joined with line breaks. Mapping group: each session against its own
// card; random group: against another session's card (derangement.ts). Then mean, sd and
// the two t-tests between the groups (groups.ts, shared with semantic consistency). Sessions
// without a card are listed as excluded, never scored; so is a card with no words at all
// (the rate would be 0/0).

export interface OverlapSession extends GroupScores {
  cardWords: number;
  clientWords: number;
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
  /** What `excluded` says, in words ('' when nothing was left out). */
  note: string;
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
  const scored: (CardedSession & { card: Set<string>; client: Set<string> })[] = [];
  const cardVocabulary = new Map<string, Set<string>>(); // repeated cards are segmented once
  const control = options.control;
  const carded = sessionsWithCards(dataset, excluded);
  for (const [done, s] of carded.entries()) {
    control?.checkpoint();
    control?.progress(done, carded.length);
    let card = cardVocabulary.get(s.cardText);
    if (!card) cardVocabulary.set(s.cardText, (card = vocabulary(s.cardText)));
    if (card.size === 0) {
      excluded.push({ sessionId: s.session.id, externalId: s.session.externalId, reason: 'card has no words' });
      continue;
    }
    scored.push({ ...s, card, client: vocabulary(clientUtterances(s.session).join('\n')) });
  }
  excluded.sort((a, b) => a.sessionId - b.sessionId);
  requireTwoScorable(dataset, scored.length, excluded, 'overlap');

  const groups = mappingAndRandom(scored, options.seed, (client, card) => vocabularyOverlap(card.card, client.client));
  const sessions: OverlapSession[] = groups.map((g, i) => ({ ...g, cardWords: scored[i]!.card.size, clientWords: scored[i]!.client.size }));
  return {
    ...summarise(sessions),
    seed: options.seed,
    tokeniser: tokeniser.description,
    stopwords: stop ? stop.size : null,
    sessions,
    excluded,
    note: excludedNote(excluded),
  };
}
