import { z } from 'zod';
import type { JobStatus } from './job';
import { absolutePath, cardLanguages, splits, tagSchema, type CardLanguage } from './role-card';
import { controlCharacterIn } from './text';

// Simulation runs (paper §3.2–3.5, Algorithm 1) and the dialogues they produce.
// A run simulates sessions between a client agent (Figure 7 + a role card) and a counselor
// agent (Figure 9); each session is a list of alternating client/counselor messages that
// opens with the client's fixed opener and ends on a counselor turn.

const id = z.number().int().positive();
/** Texts of dialogues (titles, openers, tags, queries) hold no control characters but tab and line breaks. */
const plain = <T extends z.ZodType<string>>(schema: T) =>
  schema.refine((text) => controlCharacterIn(text) === undefined, 'Remove the control characters: only tab and line breaks are allowed');

export const agentRoles = ['client', 'counselor'] as const;
export type AgentRole = (typeof agentRoles)[number];

/**
 * Why a session ended. `phrase`: the counselor's reply held a termination phrase (Table 2);
 * `turn_limit`: T counselor turns without one; `refinement_failed`: every attempt broke a
 * refinement rule (σ); `error`: a call failed for good; `cancelled`: the run was cancelled;
 * `imported`: a dialogue imported from a file whose ending matched no phrase.
 */
export const endReasons = ['phrase', 'turn_limit', 'refinement_failed', 'error', 'cancelled', 'imported'] as const;
export type EndReason = (typeof endReasons)[number];

export const sessionStatuses = ['pending', 'running', 'ended'] as const;
export type SessionStatus = (typeof sessionStatuses)[number];

export const runKinds = ['simulation', 'import'] as const;
export type RunKind = (typeof runKinds)[number];

export const templateNames = ['default', 'released'] as const;
export type TemplateName = (typeof templateNames)[number];

/** Why a reply was refused by σ (or was empty). */
export const rejectionReasons = ['too_long', 'newline', 'enumeration', 'empty'] as const;
export type RejectionReason = (typeof rejectionReasons)[number];

export const dialogueExportFormats = ['paper', 'sharegpt', 'openai'] as const;
export type DialogueExportFormat = (typeof dialogueExportFormats)[number];

// ---------------------------------------------------------------------------------------
// Starting a run

/** One agent's model settings; anything left out comes from the endpoint's defaults. */
export const agentSettingsInput = z.strictObject({
  endpointId: id,
  /** Overrides the endpoint's model name. */
  model: z.string().trim().min(1).max(200).optional(),
  temperature: z.number().finite().min(0).max(2).optional(),
  topP: z.number().finite().gt(0).max(1).optional(),
  maxTokens: z.number().int().min(1).max(1_000_000).optional(),
  /** A shipped template (`released`: the counselor prompt of the paper's released data, zh only). */
  templateName: z.enum(templateNames).optional(),
  /** A template written by the user; wins over templateName. The client's must hold {role_card}. */
  templateText: z.string().min(1).max(100_000).optional(),
});
export type AgentSettingsInput = z.output<typeof agentSettingsInput>;

/** Which cards a run simulates: every condition given must hold. */
export const cardSelectionInput = z.strictObject({
  split: z.enum(splits).optional(),
  /** Cards carrying every one of these tags. */
  tags: z.array(tagSchema).max(20).optional(),
  /** Exactly these cards, in this order (split, tags and language are then ignored). */
  ids: z.array(id).min(1).max(20_000).optional(),
  /** A random sample of this many of the matching cards (seeded, so a run can be repeated). */
  sample: z.number().int().min(1).max(100_000).optional(),
  seed: z.number().int().min(0).max(2 ** 31 - 1).optional(),
  /** The first N matching cards, by id. */
  limit: z.number().int().min(1).max(100_000).optional(),
});
export type CardSelectionInput = z.output<typeof cardSelectionInput>;

export const refinementInput = z.strictObject({
  /** At most this many characters (graphemes: a Chinese character or an emoji counts one). */
  maxLength: z.number().int().min(1).max(100_000).optional(),
  forbidNewlines: z.boolean().optional(),
  forbidEnumeration: z.boolean().optional(),
  /** Calls per turn before the session ends as refinement_failed. */
  maxAttempts: z.number().int().min(1).max(20).optional(),
  /** The paper refines the counselor only; this applies the same rules to the client. */
  applyToClient: z.boolean().optional(),
});

export const rateLimitInput = z.strictObject({
  endpointId: id,
  /** Requests per minute to this endpoint, across both agents and every session. */
  rpm: z.number().int().min(1).max(1_000_000).optional(),
  /** Tokens (prompt + completion) per minute. */
  tpm: z.number().int().min(1).max(1_000_000_000).optional(),
});

export const runStartInput = z.strictObject({
  title: plain(z.string().trim().max(200)).optional(),
  /** Templates, opener and termination list; cards chosen by split or tags are of this language. */
  language: z.enum(cardLanguages).optional(),
  cards: cardSelectionInput.optional(),
  /** Sessions per card. */
  repeat: z.number().int().min(1).max(1000).optional(),
  concurrency: z.number().int().min(1).max(256).optional(),
  /** T: the most counselor turns in a session (paper: 50). */
  maxTurns: z.number().int().min(1).max(1000).optional(),
  /** The client's first utterance (zh 你好, en Hello). */
  opener: plain(z.string().trim().min(1).max(2000)).optional(),
  client: agentSettingsInput,
  counselor: agentSettingsInput,
  /** Replaces the default termination phrases of the language. */
  terminationPhrases: z.array(z.string().trim().min(1).max(200)).min(1).max(1000).optional(),
  refinement: refinementInput.optional(),
  rateLimits: z.array(rateLimitInput).max(16).optional(),
  /** Per call, the whole streamed answer included. */
  timeoutMs: z.number().int().min(100).max(3_600_000).optional(),
  maxRetries: z.number().int().min(0).max(50).optional(),
  /** First backoff delay; it doubles per retry (with jitter) up to retryMaxMs. */
  retryBaseMs: z.number().int().min(1).max(600_000).optional(),
  retryMaxMs: z.number().int().min(1).max(3_600_000).optional(),
  /** Stream tokens (the live view shows them); usage then comes from stream_options.include_usage. */
  stream: z.boolean().optional(),
});
export type RunStartInput = z.output<typeof runStartInput>;

// ---------------------------------------------------------------------------------------
// The run snapshot: everything needed to reproduce and report a run. Never holds an API key.

export interface AgentSnapshot {
  endpointId: number;
  endpointName: string;
  baseUrl: string;
  model: string;
  temperature: number | null;
  topP: number | null;
  maxTokens: number | null;
  priceInputPerM: number | null;
  priceOutputPerM: number | null;
  /** `default`, `released` or `custom`. */
  templateName: TemplateName | 'custom';
  /** The full template text as used ({role_card} still in the client's). */
  template: string;
}

export interface RefinementRules {
  maxLength: number;
  forbidNewlines: boolean;
  forbidEnumeration: boolean;
  maxAttempts: number;
  applyToClient: boolean;
  /** How maxLength is counted. */
  counting: 'graphemes';
}

export interface RunSnapshot {
  appVersion: string;
  createdAt: string;
  language: CardLanguage;
  opener: string;
  maxTurns: number;
  repeat: number;
  concurrency: number;
  client: AgentSnapshot;
  counselor: AgentSnapshot;
  termination: { phrases: string[]; matching: 'substring, case-insensitive' };
  refinement: RefinementRules;
  rateLimits: { endpointId: number; rpm: number | null; tpm: number | null }[];
  timeoutMs: number;
  maxRetries: number;
  retryBaseMs: number;
  retryMaxMs: number;
  stream: boolean;
  cards: { selection: CardSelectionInput; ids: number[] };
}

// ---------------------------------------------------------------------------------------
// Views

export interface EndReasonCounts {
  phrase: number;
  turn_limit: number;
  refinement_failed: number;
  error: number;
  cancelled: number;
  imported: number;
}

export interface RunSummary {
  id: number;
  jobId: number | null;
  kind: RunKind;
  title: string;
  /** The job's status; an imported dataset is `done`. */
  status: JobStatus;
  language: CardLanguage;
  clientModel: string | null;
  counselorModel: string | null;
  sessions: number;
  /** Ended by a termination phrase or the turn limit (or imported). */
  completed: number;
  /** Ended by refinement_failed or error. */
  failed: number;
  cancelled: number;
  /** Not ended yet (pending or running). */
  unfinished: number;
  calls: number;
  promptTokens: number;
  completionTokens: number;
  cachedTokens: number;
  cost: number;
  error: string | null;
  createdAt: string;
  finishedAt: string | null;
}

export interface RunDashboard {
  runId: number;
  status: JobStatus;
  sessions: { total: number; pending: number; running: number; completed: number; failed: number; cancelled: number };
  endReasons: EndReasonCounts;
  calls: number;
  /** Completed calls in the last 60 seconds. */
  callsPerMinute: number;
  rejectedAttempts: number;
  tokens: { prompt: number; completion: number; cached: number };
  cost: number;
  /** Failed call attempts (each retry counts) by failure kind: rate_limited, server_error, timeout, network, … */
  errorsByKind: Record<string, number>;
  averageTurns: number | null;
  /** Since the run was last started or resumed. */
  elapsedMs: number | null;
  /** Estimated time to finish, from the pace since the last start; null when unknown. */
  etaMs: number | null;
  updatedAt: string;
}

/**
 * A run's history, oldest first: each time it started again (and who ran it), a lease taken
 * over from a process that had stopped, a model or base URL changed on resume, sessions that
 * ended in error sent back to work.
 */
export type RunEvent =
  | { at: string; kind: 'resumed'; from: JobStatus; pid: number; host: string }
  | { at: string; kind: 'taken_over'; pid: number; host: string; fromPid: number | null; fromHost: string | null; heartbeatAt: string | null }
  | { at: string; kind: 'model_changed' | 'base_url_changed'; role: AgentRole; from: string; to: string }
  | { at: string; kind: 'sessions_retried'; sessions: number };

export interface RunDetail extends RunSummary {
  config: RunSnapshot | null;
  dashboard: RunDashboard;
  history: RunEvent[];
  /** Who runs it right now ("process 4242 on lab-1 (since …, heartbeat 1 s ago)"); null unless running. */
  owner: string | null;
}

/** Models to use from now on when resuming a run (recorded in its history). */
export const runModelsInput = z.strictObject({
  clientModel: agentSettingsInput.shape.model,
  counselorModel: agentSettingsInput.shape.model,
});
export type RunModelsInput = z.output<typeof runModelsInput>;

export interface TemplateDefaults {
  language: CardLanguage;
  opener: string;
  maxTurns: number;
  concurrency: number;
  terminationPhrases: string[];
  refinement: RefinementRules;
  templates: { client: { default: string }; counselor: { default: string; released: string | null } };
}

export interface DialogueSummary {
  id: number;
  runId: number;
  runTitle: string;
  runKind: RunKind;
  cardId: number | null;
  repetition: number;
  status: SessionStatus;
  endReason: EndReason | null;
  endPhrase: string | null;
  /** Counselor turns. */
  turns: number;
  messageCount: number;
  /** The first client utterance after the opener, shortened. */
  preview: string;
  /** With a text query: the matching passage, the match in 【】. */
  snippet: string | null;
  tags: string[];
  starred: boolean;
  externalId: string | null;
  cost: number;
  createdAt: string;
  finishedAt: string | null;
}

export interface DialoguePage {
  total: number;
  offset: number;
  items: DialogueSummary[];
}

export interface RejectedAttempt {
  attempt: number;
  content: string;
  reason: RejectionReason;
  detail: string;
}

export interface DialogueMessage {
  index: number;
  role: AgentRole;
  content: string;
  /** The refinement attempt that was accepted (1 = first try); null for the opener and imports. */
  attempt: number | null;
  rejected: RejectedAttempt[];
  promptTokens: number | null;
  completionTokens: number | null;
  latencyMs: number | null;
}

export interface DialogueDetail extends DialogueSummary {
  cardText: string | null;
  error: string | null;
  errorKind: string | null;
  messages: DialogueMessage[];
  /** Rejected attempts for the turn that was never accepted (refinement_failed). */
  pendingRejected: RejectedAttempt[];
}

// ---------------------------------------------------------------------------------------
// Dialogue browser

export const dialogueSortKeys = ['newest', 'oldest', 'turns', 'cost'] as const;

export const dialogueFilterShape = {
  /** Words (split at whitespace), each in some message of the session, as `LIKE '%word%'` finds it; any length, Chinese works. */
  query: plain(z.string().trim().max(200)).optional(),
  runIds: z.array(id).min(1).max(200).optional(),
  cardIds: z.array(id).min(1).max(1000).optional(),
  endReasons: z.array(z.enum(endReasons)).min(1).max(endReasons.length).optional(),
  status: z.enum(sessionStatuses).optional(),
  minTurns: z.number().int().min(0).max(100_000).optional(),
  maxTurns: z.number().int().min(0).max(100_000).optional(),
  /** Sessions carrying every one of these tags. */
  tags: z.array(tagSchema).max(20).optional(),
  starred: z.boolean().optional(),
  kind: z.enum(runKinds).optional(),
};
const turnOrder = (f: { minTurns?: number | undefined; maxTurns?: number | undefined }) =>
  f.minTurns === undefined || f.maxTurns === undefined || f.minTurns <= f.maxTurns;
const turnOrderIssue = { message: 'The fewest turns must not be above the most', path: ['minTurns'] };

export const dialogueFilterSchema = z.strictObject(dialogueFilterShape).refine(turnOrder, turnOrderIssue);
export type DialogueFilter = z.output<typeof dialogueFilterSchema>;

export const dialogueListInput = z
  .strictObject({
    ...dialogueFilterShape,
    sort: z.enum(dialogueSortKeys).default('newest'),
    offset: z.number().int().min(0).max(10_000_000).default(0),
    limit: z.number().int().min(1).max(500).default(50),
  })
  .refine(turnOrder, turnOrderIssue);
export type DialogueListInput = z.output<typeof dialogueListInput>;

const idList = z.array(id).min(1).max(10_000);

export const dialogueTagInput = z
  .strictObject({
    ids: idList,
    add: z.array(tagSchema).max(20).optional(),
    remove: z.array(tagSchema).max(20).optional(),
  })
  .refine((i) => (i.add?.length ?? 0) + (i.remove?.length ?? 0) > 0, { message: 'Give tags to add or remove', path: ['add'] });

export const dialogueStarInput = z.strictObject({ ids: idList, starred: z.boolean() });
export const dialogueRemoveInput = z.strictObject({ ids: idList });

export const dialogueExportInput = z
  .strictObject({
    path: absolutePath,
    format: z.enum(dialogueExportFormats),
    /** Exactly these sessions; otherwise those matching the filter (default: every ended session). */
    ids: idList.optional(),
    filter: dialogueFilterSchema.optional(),
    /** Replace an existing file; refused without it. A SQLite file is never replaced. */
    overwrite: z.boolean().optional(),
  })
  .refine((i) => !(i.ids && i.filter), { message: 'Give ids or a filter, not both', path: ['ids'] });
export type DialogueExportInput = z.output<typeof dialogueExportInput>;

export interface DialogueExportResult {
  path: string;
  format: DialogueExportFormat;
  /** Sessions written. */
  count: number;
  /** Lines (sharegpt/openai: one per session as well). */
  lines: number;
}

/** The paper's card splits as its folders name them (`raw_role_card/train`, `raw_role_card/test`). */
export const paperCardSplits = ['train', 'test'] as const;

export const dialogueImportInput = z.strictObject({
  /** A folder of N.json files (the paper's `dialogue/`), one such file, or a JSONL export. */
  path: absolutePath,
  title: plain(z.string().trim().max(200)).optional(),
  language: z.enum(cardLanguages).optional(),
  /**
   * The cards the clients saw, in the paper's layout: dialogue N.json pairs with
   * raw_role_card/<split>/N.txt and element N of user_profiles/<split>.json.
   */
  cards: z.strictObject({ path: absolutePath, split: z.enum(paperCardSplits) }).optional(),
});
export type DialogueImportInput = z.output<typeof dialogueImportInput>;

export interface DialogueImportResult {
  runId: number;
  sessions: number;
  messages: number;
  /** Files or lines that could not be read, with why. */
  problems: { file: string; message: string }[];
  /** Consecutive messages of one role that were joined into one turn. */
  merged: number;
  /** Sessions stored with the card their client saw, and without one. */
  withCard: number;
  withoutCard: number;
  /** Cards of the paper layout (`cards`) added to the pool, and those already there. */
  cardsImported: number;
  cardsExisting: number;
}

// ---------------------------------------------------------------------------------------
// Events

/** Streamed text of one call, batched (~50 ms). `reset`: a retry started over; drop what came before. */
export interface TokenChunk {
  sessionId: number;
  index: number;
  role: AgentRole;
  attempt: number;
  text: string;
  reset: boolean;
}

export interface SimulationTokensEvent {
  runId: number;
  chunks: TokenChunk[];
}

/** A message was saved (the opener included). `ended` is set when this turn ended the session. */
export interface SimulationTurnEvent {
  runId: number;
  sessionId: number;
  index: number;
  role: AgentRole;
  content: string;
  attempt: number | null;
  ended: { reason: EndReason; phrase: string | null } | null;
}

/** A session started, ended without a final turn (refinement failed, error, cancelled), or was rejected an attempt. */
export interface SimulationSessionEvent {
  runId: number;
  sessionId: number;
  status: SessionStatus;
  endReason: EndReason | null;
  endPhrase: string | null;
  error: string | null;
  /** Set when a counselor (or refined client) reply was refused and will be asked again. */
  rejected: { index: number; attempt: number; reason: RejectionReason } | null;
}
