import { setImmediate as yieldToLoop } from 'node:timers/promises';
import type { CardLanguage } from '../contract/role-card';
import type { AgentSettingsInput, AgentSnapshot, CardSelectionInput, RunSnapshot, RunStartInput, TemplateDefaults } from '../contract/simulation';
import { DomainError } from '../common/errors';
import { seededSample } from '../common/random';
import { now } from '../common/time';
import { DEFAULT_TIMEOUT_MS } from '../llm/client';
import { cardText } from '../role-cards/card-text';
import { DEFAULT_REFINEMENT } from './refinement';
import { counselorTemplate, defaultTerminationPhrases, releasedCounselorTemplate } from './resources';
import type { SimulationDeps } from './deps';
import type { NewSession } from './store';

// A run's configuration, resolved once into a snapshot that is stored with the run: the
// endpoints' URLs, models and parameters (never keys), the full prompt templates, the
// termination list, the refinement rules and the app version. Sessions are executed, and
// resumed, from the snapshot alone, so a run can be reproduced and reported later even if
// the endpoints, templates or cards change.

export const DEFAULTS = {
  maxTurns: 50,
  concurrency: 8,
  repeat: 1,
  maxRetries: 6,
  retryBaseMs: 1000,
  retryMaxMs: 30_000,
  opener: { zh: '你好', en: 'Hello' } as Record<CardLanguage, string>,
};

/** What resolving a run reads. */
export type RunConfigDeps = Pick<SimulationDeps, 'endpoints' | 'cards' | 'version' | 'resourcesDir' | 'effectiveTemplate'>;

/** The form's defaults: the user's prompt overrides where set (Settings → prompts), else the shipped files. */
export function templateDefaults(source: Pick<SimulationDeps, 'resourcesDir' | 'effectiveTemplate'>, language: CardLanguage): TemplateDefaults {
  const { resourcesDir } = source;
  return {
    language,
    opener: DEFAULTS.opener[language],
    maxTurns: DEFAULTS.maxTurns,
    concurrency: DEFAULTS.concurrency,
    terminationPhrases: defaultTerminationPhrases(resourcesDir, language),
    refinement: { ...DEFAULT_REFINEMENT },
    templates: {
      client: { default: source.effectiveTemplate('client', language) },
      counselor: { default: source.effectiveTemplate('counselor', language), released: releasedCounselorTemplate(resourcesDir, language) },
    },
  };
}

export function agentSnapshot(ctx: RunConfigDeps, role: 'client' | 'counselor', a: AgentSettingsInput, language: CardLanguage): AgentSnapshot {
  const endpoint = ctx.endpoints.get(a.endpointId);
  let template: string;
  let templateName: AgentSnapshot['templateName'];
  if (a.templateText !== undefined) {
    template = a.templateText;
    templateName = 'custom';
  } else {
    templateName = a.templateName ?? 'default';
    if (role === 'client' && templateName === 'released') {
      throw new DomainError('validation', 'The client has no released template; use the default or write your own.', [
        { path: 'client.templateName', message: 'Only the counselor has a released variant' },
      ]);
    }
    // 'default' is what the user made it (an override), 'released' is always the shipped file.
    template = templateName === 'default' ? ctx.effectiveTemplate(role, language) : counselorTemplate(ctx.resourcesDir, language, templateName);
  }
  if (role === 'client' && !template.includes('{role_card}')) {
    throw new DomainError('validation', 'The client template must contain {role_card}, where the role card goes.', [
      { path: 'client.templateText', message: 'Put {role_card} where the card should appear' },
    ]);
  }
  return {
    endpointId: endpoint.id,
    endpointName: endpoint.name,
    baseUrl: endpoint.baseUrl,
    model: a.model ?? endpoint.model,
    temperature: a.temperature ?? endpoint.temperature,
    topP: a.topP ?? endpoint.topP,
    maxTokens: a.maxTokens ?? endpoint.maxTokens,
    priceInputPerM: endpoint.priceInputPerM,
    priceOutputPerM: endpoint.priceOutputPerM,
    templateName,
    template,
  };
}

export function selectCardIds(ctx: Pick<SimulationDeps, 'cards'>, selection: CardSelectionInput, language: CardLanguage): number[] {
  let ids: number[];
  if (selection.ids) {
    ids = [...new Set(selection.ids)];
  } else {
    ids = ctx.cards.ids({ language, ...(selection.split ? { split: selection.split } : {}), ...(selection.tags?.length ? { tags: selection.tags } : {}) });
  }
  if (selection.sample !== undefined && selection.sample < ids.length) {
    ids = seededSample(ids, selection.sample, selection.seed ?? 0).sort((a, b) => a - b);
  }
  if (selection.limit !== undefined) ids = ids.slice(0, selection.limit);
  if (ids.length === 0) {
    const what = [selection.split && `split ${selection.split}`, selection.tags?.length && `tags ${selection.tags.join(', ')}`, `language ${language}`]
      .filter(Boolean)
      .join(', ');
    throw new DomainError('validation', `No role cards match (${what}). Import or create cards first, or change the selection.`, [
      { path: 'cards', message: 'No cards match' },
    ]);
  }
  return ids;
}

export interface ResolvedRun {
  title: string;
  snapshot: RunSnapshot;
  sessions: NewSession[];
}

/**
 * Resolves a start request into the snapshot and the list of sessions. Cards are read in
 * slices with a turn of the event loop between them, so starting a run of thousands of
 * cards does not freeze the app's main process.
 */
export async function resolveRun(ctx: RunConfigDeps, input: RunStartInput): Promise<ResolvedRun> {
  const language = input.language ?? 'zh';
  const client = agentSnapshot(ctx, 'client', input.client, language);
  const counselor = agentSnapshot(ctx, 'counselor', input.counselor, language);
  const selection = input.cards ?? {};
  const ids = selectCardIds(ctx, selection, language);
  const repeat = input.repeat ?? DEFAULTS.repeat;
  const texts = new Map<number, string>();
  for (let i = 0; i < ids.length; i += 200) {
    for (const card of ctx.cards.byIds(ids.slice(i, i + 200))) texts.set(card.id, cardText(card, card.language));
    if (i + 200 < ids.length) await yieldToLoop();
  }
  const sessions: NewSession[] = [];
  // Repetition-major: a run stopped half-way has covered every card about equally.
  for (let r = 1; r <= repeat; r++) for (const id of ids) sessions.push({ cardId: id, repetition: r, cardText: texts.get(id)! });

  const refinement = { ...DEFAULT_REFINEMENT, ...definedOnly(input.refinement ?? {}) };
  const retryBaseMs = input.retryBaseMs ?? DEFAULTS.retryBaseMs;
  const endpointIds = new Set([client.endpointId, counselor.endpointId]);
  const snapshot: RunSnapshot = {
    appVersion: ctx.version,
    createdAt: now(),
    language,
    opener: input.opener ?? DEFAULTS.opener[language],
    maxTurns: input.maxTurns ?? DEFAULTS.maxTurns,
    repeat,
    concurrency: input.concurrency ?? DEFAULTS.concurrency,
    client,
    counselor,
    termination: { phrases: input.terminationPhrases ?? defaultTerminationPhrases(ctx.resourcesDir, language), matching: 'substring, case-insensitive' },
    refinement,
    rateLimits: (input.rateLimits ?? [])
      .filter((l) => endpointIds.has(l.endpointId))
      .map((l) => ({ endpointId: l.endpointId, rpm: l.rpm ?? null, tpm: l.tpm ?? null })),
    timeoutMs:
      input.timeoutMs ??
      Math.max(ctx.endpoints.get(client.endpointId).timeoutMs ?? DEFAULT_TIMEOUT_MS, ctx.endpoints.get(counselor.endpointId).timeoutMs ?? DEFAULT_TIMEOUT_MS),
    maxRetries: input.maxRetries ?? DEFAULTS.maxRetries,
    retryBaseMs,
    retryMaxMs: Math.max(input.retryMaxMs ?? DEFAULTS.retryMaxMs, retryBaseMs),
    stream: input.stream ?? true,
    cards: { selection, ids },
  };
  const title = input.title || `${counselor.model} ↔ ${client.model}, ${ids.length} card${ids.length === 1 ? '' : 's'}${repeat > 1 ? ` × ${repeat}` : ''}`;
  return { title, snapshot, sessions };
}

function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
