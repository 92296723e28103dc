import { DomainError } from '../common/errors';
import { CallFailed, type CallPolicies } from '../llm/attempts';
import { embed, DEFAULT_EMBEDDING_BATCH } from '../llm/embeddings';
import type { LlmEndpoint } from '../llm/params';
import type { Db } from '../storage/database';
import { cosine, vectorFault } from './cosine';
import { clientUtterances, type Dataset } from './dataset';
import { EmbeddingCache, textHash } from './embedding-cache';
import { excludedNote, mappingAndRandom, requireTwoScorable, sessionsWithCards, summarise, type CardedSession, type ExcludedSession, type GroupScores, type GroupSummary } from './groups';
import { truncateGraphemes } from './truncate';

// Semantic consistency (paper §4.1, Eq. 2): for each session, the cosine similarity between
// the embedding of the card text the client saw and the embedding of all its client
// utterances joined with a line break (the opener included, as for overlap). Mapping and
// random groups, means and t-tests as for vocabulary overlap (groups.ts).
//
// Embeddings come from any OpenAI-compatible endpoint through llm/embeddings.ts (batched,
// base64 or float, with the caller's retry, rate limit and abort), and are kept in the
// database by endpoint, model and text hash (embedding-cache.ts): a second run calls for
// nothing already answered. Each distinct text is embedded once (a card used by several
// sessions, the same client text twice). A text longer than `maxChars` characters is cut to
// that length before it is embedded and hashed, and counted. A vector of another length than
// the others, holding NaN or ±∞, or all zeros, stops the evaluation naming the session and
// the request; nothing from that request is cached.

export const DEFAULT_EMBEDDING_MODEL = 'bge-m3';
/**
 * Characters (grapheme clusters) embedded of one text. bge-m3 and OpenAI's embedding models
 * read at most 8,192 tokens; Chinese text is about one token a character in bge-m3's
 * vocabulary and English fewer, so 8,000 characters fit, where servers would otherwise
 * refuse or silently cut the rest. SimPsyDial's client side is about 700 characters.
 */
export const DEFAULT_MAX_CHARS = 8000;

export interface SemanticProgress {
  /** Distinct texts to embed, and those done (cached before or embedded now). */
  texts: number;
  done: number;
  cached: number;
  requests: number;
}

export interface SemanticOptions {
  seed: number;
  endpoint: LlmEndpoint;
  model?: string;
  maxChars?: number;
  batchSize?: number;
  encoding?: 'float' | 'base64';
  /** Timeout, retry, rate limiter and abort of each request. */
  policies: CallPolicies;
  onProgress?: (progress: SemanticProgress) => void;
  /** Called between requests (a job's checkpoint): throwing stops there; what was embedded is kept. */
  checkpoint?: () => void;
}

export interface SemanticResult extends GroupSummary {
  seed: number;
  /** The embeddings endpoint's base URL and the model. */
  endpoint: string;
  model: string;
  dims: number;
  maxChars: number;
  /** Distinct texts, those found in the cache, those embedded now, and the requests sent. */
  texts: number;
  cached: number;
  embedded: number;
  requests: number;
  retries: number;
  promptTokens: number | null;
  cost: number;
  /** Distinct texts cut to maxChars, and the sessions whose card or client text was cut. */
  truncated: { texts: number; sessionIds: number[] };
  sessions: GroupScores[];
  excluded: ExcludedSession[];
  /** What `excluded` says, in words ('' when nothing was left out). */
  note: string;
}

interface Text {
  text: string;
  hash: string;
  /** For messages: "session 12's card". */
  what: string;
  cut: boolean;
}

type Scored = CardedSession & { card: Text; client: Text };

/** The distinct texts a dataset embeds (each once, cut to `maxChars`), and the sessions they score. */
function semanticTexts(dataset: Dataset, maxChars: number) {
  if (!Number.isInteger(maxChars) || maxChars < 1) throw new DomainError('validation', `The longest text embedded must be a whole number of characters from 1, got ${maxChars}.`);
  const excluded: ExcludedSession[] = [];
  const carded = sessionsWithCards(dataset, excluded);
  requireTwoScorable(dataset, carded.length, excluded, 'semantic consistency');

  const texts = new Map<string, Text>(); // by hash: each distinct text once
  const cutIn = new Set<number>();
  const textOf = (raw: string, what: string, sessionId: number): Text => {
    const { text, cut } = truncateGraphemes(raw, maxChars);
    if (cut) cutIn.add(sessionId);
    const hash = textHash(text);
    let t = texts.get(hash);
    if (!t) texts.set(hash, (t = { text, hash, what, cut }));
    return t;
  };
  const scored: Scored[] = carded.map((s) => ({
    ...s,
    card: textOf(s.cardText, `session ${s.session.id}'s card`, s.session.id),
    client: textOf(clientUtterances(s.session).join('\n'), `session ${s.session.id}'s client utterances`, s.session.id),
  }));
  return { excluded, texts, cutIn, scored };
}

export interface SemanticTextPlan {
  /** Distinct texts, and those the cache holds already. */
  texts: number;
  cached: number;
  /** Requests still to send, and the characters of the texts they carry. */
  requests: number;
  chars: number;
}

/**
 * What embedding the datasets will ask of the endpoint after the cache; nothing is called.
 * Dataset by dataset, as semanticEvaluation embeds them: a text of B that A embeds first is
 * not counted twice, and each dataset's missing texts fill their own batches.
 */
export function semanticTextPlan(db: Db, datasets: readonly Dataset[], o: { baseUrl: string; model?: string; maxChars?: number; batchSize?: number }): SemanticTextPlan {
  const cache = new EmbeddingCache(db, o.baseUrl, o.model ?? DEFAULT_EMBEDDING_MODEL);
  const batchSize = Math.max(1, Math.floor(o.batchSize ?? DEFAULT_EMBEDDING_BATCH));
  const seen = new Set<string>();
  const plan: SemanticTextPlan = { texts: 0, cached: 0, requests: 0, chars: 0 };
  for (const d of datasets) {
    const { texts } = semanticTexts(d, o.maxChars ?? DEFAULT_MAX_CHARS);
    const fresh = [...texts.values()].filter((t) => !seen.has(t.hash));
    const cached = cache.get(fresh.map((t) => t.hash));
    const missing = fresh.filter((t) => !cached.has(t.hash));
    for (const t of fresh) seen.add(t.hash);
    plan.texts += fresh.length;
    plan.cached += cached.size;
    plan.requests += Math.ceil(missing.length / batchSize);
    plan.chars += missing.reduce((n, t) => n + t.text.length, 0);
  }
  return plan;
}

export async function semanticEvaluation(db: Db, dataset: Dataset, o: SemanticOptions): Promise<SemanticResult> {
  const model = o.model ?? DEFAULT_EMBEDDING_MODEL;
  const maxChars = o.maxChars ?? DEFAULT_MAX_CHARS;
  const batchSize = Math.max(1, Math.floor(o.batchSize ?? DEFAULT_EMBEDDING_BATCH));
  const { excluded, texts, cutIn, scored } = semanticTexts(dataset, maxChars);

  const cache = new EmbeddingCache(db, o.endpoint.params.baseUrl, model);
  const vectors = cache.get([...texts.keys()]);
  let dims = vectors.size > 0 ? vectors.values().next().value!.length : 0;
  for (const [hash, v] of vectors) {
    const fault = vectorFault(v, dims);
    if (fault) throw new DomainError('validation', `The cached embedding of ${texts.get(hash)!.what} (model ${model} at ${o.endpoint.params.baseUrl}) ${fault}.`);
  }
  const cached = vectors.size;
  const missing = [...texts.values()].filter((t) => !vectors.has(t.hash));
  const requestsNeeded = Math.ceil(missing.length / batchSize);
  let requests = 0;
  let retries = 0;
  let promptTokens: number | null = 0;
  let cost = 0;
  const progress = () => o.onProgress?.({ texts: texts.size, done: vectors.size, cached, requests });
  progress();

  for (let start = 0; start < missing.length; start += batchSize) {
    o.checkpoint?.();
    const batch = missing.slice(start, start + batchSize);
    const call = `request ${requests + 1} of ${requestsNeeded} to ${o.endpoint.params.baseUrl} (model ${model})`;
    let answer;
    try {
      answer = await embed(
        o.endpoint,
        batch.map((t) => t.text),
        { ...o.policies, model, batchSize, ...(o.encoding ? { encoding: o.encoding } : {}) },
      );
    } catch (error) {
      if (!(error instanceof CallFailed)) throw error;
      throw new DomainError('unavailable', `Embedding ${batch[0]!.what}${batch.length > 1 ? ` and ${batch.length - 1} more texts` : ''} failed (${call}): ${error.failure.message}`);
    }
    if (dims === 0) dims = answer.vectors[0]!.length;
    batch.forEach((t, i) => {
      const fault = vectorFault(answer.vectors[i]!, dims);
      if (fault) throw new DomainError('validation', `The embedding of ${t.what} (${call}) ${fault}; nothing from this request was stored.`);
    });
    cache.put(batch.map((t, i) => ({ hash: t.hash, vector: answer.vectors[i]! })));
    batch.forEach((t, i) => vectors.set(t.hash, answer.vectors[i]!));
    requests += answer.requests;
    retries += answer.retries;
    promptTokens = promptTokens === null || answer.promptTokens === null ? null : promptTokens + answer.promptTokens;
    cost += answer.cost;
    progress();
  }

  const sessions = mappingAndRandom(scored, o.seed, (client, card) => cosine(vectors.get(card.card.hash)!, vectors.get(client.client.hash)!));
  return {
    ...summarise(sessions),
    seed: o.seed,
    endpoint: o.endpoint.params.baseUrl,
    model,
    dims,
    maxChars,
    texts: texts.size,
    cached,
    embedded: missing.length,
    requests,
    retries,
    promptTokens,
    cost,
    truncated: { texts: [...texts.values()].filter((t) => t.cut).length, sessionIds: [...cutIn].sort((a, b) => a - b) },
    sessions,
    excluded,
    note: excludedNote(excluded),
  };
}
