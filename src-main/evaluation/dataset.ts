import type { CardLanguage } from '../contract/role-card';
import type { AgentRole, DialogueFilter, EndReason, RunKind } from '../contract/simulation';
import { DomainError } from '../common/errors';
import { DialogueRepository } from '../simulation/dialogues';
import type { Db } from '../storage/database';

// A dataset is what every measure runs on: the ended sessions of one or more runs (simulated
// or imported), optionally narrowed like the dialogue browser (end reasons, turns, tags).
// The selection is the dialogue browser's own query (DialogueRepository.ids), so "the
// sessions of run 3 that ended by a phrase" means the same here as in the browser and the
// exports. Only ended sessions count: a running or pending one is not a dialogue yet.

export interface DatasetSpec {
  runIds: number[];
  endReasons?: EndReason[];
  minTurns?: number;
  maxTurns?: number;
  /** Sessions carrying every one of these tags. */
  tags?: string[];
}

export interface DatasetMessage {
  role: AgentRole;
  content: string;
}

export interface DatasetSession {
  id: number;
  runId: number;
  /** The imported file or line the session came from; null for simulated sessions. */
  externalId: string | null;
  /** The card as the client saw it; null when the session has none (most imports). */
  cardText: string | null;
  messages: DatasetMessage[];
}

export interface DatasetRun {
  id: number;
  kind: RunKind;
  title: string;
  language: CardLanguage;
}

export interface Dataset {
  spec: DatasetSpec;
  language: CardLanguage;
  runs: DatasetRun[];
  /** Oldest first (by session id), so results list in a stable order. */
  sessions: DatasetSession[];
}

/** "run 3", "runs 1, 2 and 5". */
export const runsLabel = (ids: readonly number[]): string =>
  ids.length === 1 ? `run ${ids[0]}` : `runs ${ids.slice(0, -1).join(', ')} and ${ids.at(-1)}`;

function describeFilter(spec: DatasetSpec): string {
  const parts: string[] = [];
  if (spec.endReasons?.length) parts.push(`ended by ${spec.endReasons.join(' or ')}`);
  if (spec.minTurns !== undefined && spec.maxTurns !== undefined) parts.push(`${spec.minTurns}–${spec.maxTurns} turns`);
  else if (spec.minTurns !== undefined) parts.push(`at least ${spec.minTurns} turns`);
  else if (spec.maxTurns !== undefined) parts.push(`at most ${spec.maxTurns} turns`);
  if (spec.tags?.length) parts.push(`tagged ${spec.tags.join(' and ')}`);
  return parts.join(', ');
}

const CHUNK = 500;

export function loadDataset(db: Db, spec: DatasetSpec): Dataset {
  const runIds = [...new Set(spec.runIds)];
  if (runIds.length === 0) throw new DomainError('validation', 'A dataset needs at least one run.');
  if (spec.minTurns !== undefined && spec.maxTurns !== undefined && spec.minTurns > spec.maxTurns) {
    throw new DomainError('validation', `The fewest turns (${spec.minTurns}) must not be above the most (${spec.maxTurns}).`);
  }
  const runs = db
    .prepare('SELECT id, kind, title, language FROM sim_runs WHERE id IN (SELECT value FROM json_each(?)) ORDER BY id')
    .all(JSON.stringify(runIds)) as DatasetRun[];
  const missing = runIds.filter((id) => !runs.some((r) => r.id === id));
  if (missing.length > 0) {
    const known = (db.prepare('SELECT id FROM sim_runs ORDER BY id').all() as { id: number }[]).map((r) => r.id);
    throw new DomainError(
      'not_found',
      `${missing.length === 1 ? 'Run' : 'Runs'} ${missing.join(', ')} ${missing.length === 1 ? 'does' : 'do'} not exist; ${known.length === 0 ? 'there are no runs yet: simulate or import dialogues first' : `the runs are ${known.join(', ')}`}.`,
    );
  }
  const languages = [...new Set(runs.map((r) => r.language))];
  if (languages.length > 1) {
    const list = runs.map((r) => `${r.id} (${r.language})`).join(', ');
    throw new DomainError('validation', `Runs ${list} are in different languages; evaluate each language as its own dataset (compare them side by side instead).`);
  }

  const filter: DialogueFilter = {
    runIds,
    status: 'ended',
    ...(spec.endReasons?.length ? { endReasons: spec.endReasons } : {}),
    ...(spec.minTurns !== undefined ? { minTurns: spec.minTurns } : {}),
    ...(spec.maxTurns !== undefined ? { maxTurns: spec.maxTurns } : {}),
    ...(spec.tags?.length ? { tags: spec.tags } : {}),
  };
  const ids = new DialogueRepository(db).ids(filter);
  if (ids.length === 0) {
    const narrowed = describeFilter(spec);
    throw new DomainError(
      'validation',
      `${runsLabel(runIds).replace(/^r/, 'R')} ${runIds.length === 1 ? 'has' : 'have'} no ended session${narrowed ? ` ${narrowed}` : ''}; ${narrowed ? 'widen the filter or ' : ''}pick runs whose sessions have ended.`,
    );
  }

  const sessionRows = db.prepare('SELECT id, run_id, external_id, card_text FROM sim_sessions WHERE id IN (SELECT value FROM json_each(?))');
  const messageRows = db.prepare(
    'SELECT session_id, role, content FROM sim_messages WHERE session_id IN (SELECT value FROM json_each(?)) ORDER BY session_id, idx',
  );
  const sessions: DatasetSession[] = [];
  for (let i = 0; i < ids.length; i += CHUNK) {
    const chunk = JSON.stringify(ids.slice(i, i + CHUNK));
    const byId = new Map<number, DatasetSession>();
    for (const r of sessionRows.all(chunk) as { id: number; run_id: number; external_id: string | null; card_text: string | null }[]) {
      byId.set(r.id, { id: r.id, runId: r.run_id, externalId: r.external_id, cardText: r.card_text, messages: [] });
    }
    for (const m of messageRows.all(chunk) as { session_id: number; role: AgentRole; content: string }[]) {
      byId.get(m.session_id)?.messages.push({ role: m.role, content: m.content });
    }
    for (const id of ids.slice(i, i + CHUNK)) {
      const s = byId.get(id);
      if (s) sessions.push(s);
    }
  }
  return { spec: { ...spec, runIds }, language: languages[0]!, runs, sessions };
}

/** The client's utterances of a session, in order (the opener included: it is u₁). */
export const clientUtterances = (s: DatasetSession): string[] => s.messages.filter((m) => m.role === 'client').map((m) => m.content);

/**
 * A dataset as a job fixed it: the sessions it held when the job was created, in that order.
 * A job resumed later scores exactly those, or says which are gone.
 */
export function loadFixedDataset(db: Db, spec: DatasetSpec, sessionIds: readonly number[]): Dataset {
  const d = loadDataset(db, spec);
  const byId = new Map(d.sessions.map((s) => [s.id, s]));
  const gone = sessionIds.filter((id) => !byId.has(id));
  if (gone.length > 0) throw new DomainError('conflict', `Sessions ${gone.slice(0, 10).join(', ')}${gone.length > 10 ? ', …' : ''} of this evaluation no longer exist (deleted, or no longer match the filter); start a new evaluation.`);
  return { ...d, sessions: sessionIds.map((id) => byId.get(id)!) };
}
