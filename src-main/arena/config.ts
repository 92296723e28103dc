import type { CardLanguage } from '../contract/role-card';
import type { AgentSettingsInput } from '../contract/simulation';
import { DomainError } from '../common/errors';
import { randomFrom } from '../common/random';
import { now } from '../common/time';
import { DEFAULT_TIMEOUT_MS } from '../llm/client';
import { cardText } from '../role-cards/card-text';
import { agentSnapshot, DEFAULTS, selectCardIds, type RunConfigDeps } from '../simulation/config';
import { DEFAULT_REFINEMENT } from '../simulation/refinement';
import { defaultTerminationPhrases } from '../simulation/resources';
import type { Counselor } from './counselors';
import type { NewArenaSession } from './store';
import { supervisorTemplate } from './supervisor';
import { isHumanJudge, type ArenaSnapshot, type ArenaStartInput, type CounselorSnapshot, type HumanJudgeSnapshot, type JudgeSnapshot, type Pairing } from './types';

// Resolves an arena request into its snapshot and sessions, with the simulation's own
// resolution of agents, cards and defaults (simulation/config.ts), so an arena counselor is
// configured exactly as a simulation's counselor would be.

export const ARENA_DEFAULTS = { maxTurns: 20, concurrency: 8, prompt: 2, judgeAttempts: 3, pairing: 'round-robin' as Pairing, seed: 0 };

function counselorSnapshot(ctx: RunConfigDeps, c: Counselor, language: CardLanguage): CounselorSnapshot {
  const settings: AgentSettingsInput = {
    endpointId: c.endpointId,
    ...(c.model !== null ? { model: c.model } : {}),
    ...(c.temperature !== null ? { temperature: c.temperature } : {}),
    ...(c.topP !== null ? { topP: c.topP } : {}),
    ...(c.maxTokens !== null ? { maxTokens: c.maxTokens } : {}),
    ...(c.promptName === 'custom' ? { templateText: c.prompt! } : { templateName: c.promptName }),
  };
  try {
    return { name: c.name, ...agentSnapshot(ctx, 'counselor', settings, language) };
  } catch (error) {
    if (error instanceof DomainError) throw new DomainError(error.code, `Counselor '${c.name}': ${error.message}`);
    throw error;
  }
}

function judgeSnapshot(ctx: RunConfigDeps, input: ArenaStartInput, language: CardLanguage): JudgeSnapshot | HumanJudgeSnapshot {
  if ('annotator' in input.judge) return { kind: 'human', annotator: input.judge.annotator, label: input.judge.annotator, promptVersion: 'human' };
  const endpoint = ctx.endpoints.get(input.judge.endpointId);
  const template = input.judgeTemplate ?? supervisorTemplate(ctx.resourcesDir, input.prompt ?? 2, language);
  for (const slot of ['{dialogue_history}', '{shuffled_candidates}']) {
    if (!template.includes(slot)) throw new DomainError('validation', `The judge template must contain ${slot}, where the battle's ${slot === '{dialogue_history}' ? 'dialogue history' : 'two replies'} go.`);
  }
  const model = input.judge.model ?? endpoint.model;
  return {
    endpointId: endpoint.id,
    endpointName: endpoint.name,
    baseUrl: endpoint.baseUrl,
    model,
    temperature: endpoint.temperature,
    topP: endpoint.topP,
    maxTokens: endpoint.maxTokens,
    priceInputPerM: endpoint.priceInputPerM,
    priceOutputPerM: endpoint.priceOutputPerM,
    promptVersion: input.judgeTemplate !== undefined ? 'custom' : `${input.prompt ?? 2}`,
    template,
    label: `${endpoint.name}/${model}`,
  };
}

/** Every unordered pair of the counselors, in the order they were named. */
export function allPairs<T>(items: readonly T[]): [T, T][] {
  const pairs: [T, T][] = [];
  for (let i = 0; i < items.length; i++) for (let j = i + 1; j < items.length; j++) pairs.push([items[i]!, items[j]!]);
  return pairs;
}

/**
 * The pairs that play each card, in session order.
 * - round-robin: card k plays pair k mod P, so every pair plays ⌊n/P⌋ or ⌈n/P⌉ cards;
 * - all: every card plays every pair (card-major, so a run stopped half-way has covered
 *   every pair equally);
 * - random: each card a pair drawn with the seeded generator (the paper: "two comparison
 *   models are randomly selected").
 */
export function schedule<T>(cards: readonly number[], counselors: readonly T[], pairing: Pairing, seed: number): { cardId: number; pair: [T, T] }[] {
  const pairs = allPairs(counselors);
  if (pairing === 'all') return cards.flatMap((cardId) => pairs.map((pair) => ({ cardId, pair })));
  if (pairing === 'random') {
    const random = randomFrom(seed);
    return cards.map((cardId) => ({ cardId, pair: pairs[Math.floor(random() * pairs.length)]! }));
  }
  return cards.map((cardId, k) => ({ cardId, pair: pairs[k % pairs.length]! }));
}

export interface ResolvedArena {
  title: string;
  snapshot: ArenaSnapshot;
  sessions: NewArenaSession[];
}

export function resolveArena(ctx: RunConfigDeps, counselors: readonly Counselor[], input: ArenaStartInput): ResolvedArena {
  if (counselors.length < 2) throw new DomainError('validation', 'An arena needs at least two counselors (--counselors A,B).');
  if (new Set(counselors.map((c) => c.name)).size !== counselors.length) throw new DomainError('validation', 'A counselor is named twice; name each once.');
  const language = input.language ?? 'zh';
  const snapshots = counselors.map((c) => counselorSnapshot(ctx, c, language));
  const client = agentSnapshot(ctx, 'client', { endpointId: input.client.endpointId, ...(input.client.model ? { model: input.client.model } : {}) }, language);
  const judge = judgeSnapshot(ctx, input, language);
  const selection = input.cards ?? { split: 'test' as const };
  const ids = selectCardIds(ctx, selection, language);
  const pairing = input.pairing ?? ARENA_DEFAULTS.pairing;
  const seed = input.seed ?? ARENA_DEFAULTS.seed;
  const texts = new Map(ctx.cards.byIds(ids).map((card) => [card.id, cardText(card, card.language)]));
  const sessions = schedule(ids, snapshots.map((s) => s.name), pairing, seed).map(({ cardId, pair }) => ({ cardId, cardText: texts.get(cardId)!, a: pair[0], b: pair[1] }));
  const endpointIds = new Set([client.endpointId, ...(isHumanJudge(judge) ? [] : [judge.endpointId]), ...snapshots.map((s) => s.endpointId)]);
  const retryBaseMs = input.retryBaseMs ?? DEFAULTS.retryBaseMs;
  const snapshot: ArenaSnapshot = {
    appVersion: ctx.version,
    createdAt: now(),
    language,
    opener: input.opener ?? DEFAULTS.opener[language],
    maxTurns: input.maxTurns ?? ARENA_DEFAULTS.maxTurns,
    concurrency: input.concurrency ?? ARENA_DEFAULTS.concurrency,
    seed,
    pairing,
    counselors: snapshots,
    client,
    judge,
    swapCheck: input.swapCheck ?? false,
    judgeAttempts: input.judgeAttempts ?? ARENA_DEFAULTS.judgeAttempts,
    termination: { phrases: input.terminationPhrases ?? defaultTerminationPhrases(ctx.resourcesDir, language) },
    refinement: { ...DEFAULT_REFINEMENT },
    rateLimits: input.rpm || input.tpm ? [...endpointIds].map((endpointId) => ({ endpointId, rpm: input.rpm ?? null, tpm: input.tpm ?? null })) : [],
    timeoutMs: input.timeoutMs ?? Math.max(...[...endpointIds].map((id) => ctx.endpoints.get(id).timeoutMs ?? DEFAULT_TIMEOUT_MS)),
    maxRetries: input.maxRetries ?? DEFAULTS.maxRetries,
    retryBaseMs,
    retryMaxMs: Math.max(DEFAULTS.retryMaxMs, retryBaseMs),
    stream: input.stream ?? true,
    cards: { selection, ids },
  };
  const title = input.title || `${snapshots.map((s) => s.name).join(' vs ')}, judged by ${judge.label}, ${ids.length} card${ids.length === 1 ? '' : 's'}`;
  return { title, snapshot, sessions };
}
