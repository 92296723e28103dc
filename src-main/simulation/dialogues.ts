import type {
  AgentRole,
  DialogueDetail,
  DialogueFilter,
  DialogueListInput,
  DialogueMessage,
  DialoguePage,
  DialogueSummary,
  EndReason,
  RejectedAttempt,
  RejectionReason,
  RunKind,
  SessionStatus,
} from '../contract/simulation';
import { keyedError, notFound } from '../common/errors';
import type { Db } from '../storage/database';
import { writeTransaction } from '../storage/transaction';
import { DialogueSearchIndex, searchMatch } from './search-index';

// The dialogue browser's domain side: every session across runs, filtered and searched,
// paged for a virtualised list; tags, stars, deletion. Text search returns exactly the
// sessions in which every word occurs in some message as `LIKE '%word%'` finds it (ASCII
// letters folded): through the session index (search-index.ts), or with LIKE for the
// sessions not indexed yet. A page's ids come from one query, the total (when the page is
// full) from a count, and the rows for those ids from a third.

export interface DialogueQuery {
  /** Conditions on the session `s` other than text, and their parameters. */
  conditions: string[];
  params: unknown[];
  /** Words of the text search, each to occur in some message of the session. */
  words: string[];
}

const likePattern = (word: string) => `%${word.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`;
const PENDING = 'SELECT session_id FROM sim_session_search_pending';

export function buildDialogueQuery(filter: DialogueFilter): DialogueQuery {
  const conditions: string[] = [];
  const params: unknown[] = [];
  const words = [...new Set((filter.query ?? '').split(/\s+/u).filter(Boolean))];
  const list = (column: string, values: readonly (string | number)[] | undefined) => {
    if (!values || values.length === 0) return;
    conditions.push(`${column} IN (${values.map(() => '?').join(', ')})`);
    params.push(...values);
  };
  list('s.run_id', filter.runIds);
  list('s.card_id', filter.cardIds);
  list('s.end_reason', filter.endReasons);
  if (filter.status) {
    conditions.push('s.status = ?');
    params.push(filter.status);
  }
  if (filter.minTurns !== undefined) {
    conditions.push('s.turns >= ?');
    params.push(filter.minTurns);
  }
  if (filter.maxTurns !== undefined) {
    conditions.push('s.turns <= ?');
    params.push(filter.maxTurns);
  }
  for (const tag of filter.tags ?? []) {
    conditions.push('s.id IN (SELECT session_id FROM sim_session_tags WHERE tag = ?)');
    params.push(tag);
  }
  if (filter.starred !== undefined) {
    conditions.push('s.starred = ?');
    params.push(filter.starred ? 1 : 0);
  }
  if (filter.kind) {
    conditions.push('s.run_id IN (SELECT id FROM sim_runs WHERE kind = ?)');
    params.push(filter.kind);
  }
  return { conditions, params, words };
}

/**
 * The matching sessions as one SELECT of `id`, `turns` and `cost` (a UNION ALL when searching
 * text). Sessions in the index come from it in id order, so a page of the newest stops after
 * the page rather than after every match; sessions not indexed yet are scanned. `bare` leaves
 * out the join with sim_sessions where nothing needs it (counting, or paging by id, with no
 * other filter).
 */
export function matchingSessions(q: DialogueQuery, bare: boolean): { sql: string; params: unknown[] } {
  const where = (first: string[]) => [...first, ...q.conditions].join(' AND ');
  const columns = 's.id AS id, s.turns AS turns, s.cost AS cost';
  if (q.words.length === 0) return { sql: `SELECT ${columns} FROM sim_sessions s${q.conditions.length ? ` WHERE ${where([])}` : ''}`, params: q.params };
  const fromIndex = [`f.sim_session_search MATCH ?`, `f.rowid NOT IN (${PENDING})`];
  const alone = bare && q.conditions.length === 0;
  const indexed = alone
    ? `SELECT f.rowid AS id, NULL AS turns, NULL AS cost FROM sim_session_search f WHERE ${fromIndex.join(' AND ')}`
    : `SELECT f.rowid AS id, s.turns AS turns, s.cost AS cost FROM sim_session_search f JOIN sim_sessions s ON s.id = f.rowid WHERE ${where(fromIndex)}`;
  const scans = q.words.map(() => `EXISTS (SELECT 1 FROM sim_messages m WHERE m.session_id = s.id AND m.content LIKE ? ESCAPE '\\')`);
  const pending = `SELECT ${columns} FROM sim_sessions s WHERE ${where([`s.id IN (${PENDING})`, ...scans])}`;
  return {
    sql: `${indexed} UNION ALL ${pending}`,
    params: [searchMatch(q.words), ...(alone ? [] : q.params), ...q.words.map(likePattern), ...q.params],
  };
}

const orderBy: Record<DialogueListInput['sort'], string> = {
  newest: 'id DESC',
  oldest: 'id ASC',
  turns: 'turns DESC, id DESC',
  cost: 'cost DESC, id DESC',
};

interface SummaryRow {
  id: number;
  run_id: number;
  run_title: string;
  run_kind: RunKind;
  card_id: number | null;
  repetition: number;
  status: SessionStatus;
  end_reason: EndReason | null;
  end_phrase: string | null;
  turns: number;
  message_count: number;
  starred: number;
  external_id: string | null;
  cost: number;
  created_at: string;
  finished_at: string | null;
  preview: string | null;
}

const PREVIEW = 120;

export class DialogueRepository {
  readonly search: DialogueSearchIndex;

  constructor(private readonly db: Db) {
    this.search = new DialogueSearchIndex(db);
  }

  list(input: DialogueListInput): DialoguePage {
    const q = buildDialogueQuery(input);
    const byId = input.sort === 'newest' || input.sort === 'oldest';
    const page = matchingSessions(q, byId);
    // By id the page stops early and a count follows if needed; any other order sorts every
    // match anyway, and counts them in the same pass.
    const rows = this.db
      .prepare(`${byId ? page.sql : `SELECT id, count(*) OVER () AS total FROM (${page.sql})`} ORDER BY ${orderBy[input.sort]} LIMIT ? OFFSET ?`)
      .all(...page.params, input.limit, input.offset) as { id: number; total?: number }[];
    const ids = rows.map((r) => r.id);
    let total = rows[0]?.total ?? input.offset + ids.length;
    if (byId ? ids.length === input.limit || (ids.length === 0 && input.offset > 0) : ids.length === 0 && input.offset > 0) {
      const all = matchingSessions(q, true);
      total = (this.db.prepare(`SELECT count(*) AS n FROM (${all.sql})`).get(...all.params) as { n: number }).n;
    }
    return { total, offset: input.offset, items: this.summaries(ids, q.words) };
  }

  /** Ids matching a filter, oldest first (exports). */
  ids(filter: DialogueFilter): number[] {
    const all = matchingSessions(buildDialogueQuery(filter), true);
    return (this.db.prepare(`${all.sql} ORDER BY id`).all(...all.params) as { id: number }[]).map((r) => r.id);
  }

  summaries(ids: number[], words: string[] = []): DialogueSummary[] {
    if (ids.length === 0) return [];
    const rows = this.db
      .prepare(
        `SELECT s.id, s.run_id, r.title AS run_title, r.kind AS run_kind, s.card_id, s.repetition, s.status, s.end_reason, s.end_phrase,
                s.turns, s.message_count, s.starred, s.external_id, s.cost, s.created_at, s.finished_at,
                (SELECT substr(m.content, 1, ${PREVIEW + 1}) FROM sim_messages m WHERE m.session_id = s.id AND m.idx = 2) AS preview
         FROM sim_sessions s JOIN sim_runs r ON r.id = s.run_id
         WHERE s.id IN (SELECT value FROM json_each(?))`,
      )
      .all(JSON.stringify(ids)) as SummaryRow[];
    const byId = new Map(rows.map((r) => [r.id, r]));
    const tags = this.tagsFor(ids);
    const snippets = words.length > 0 ? this.snippets(ids, words) : new Map<number, string>();
    return ids
      .map((id) => byId.get(id))
      .filter((r): r is SummaryRow => r !== undefined)
      .map((r) => ({
        id: r.id,
        runId: r.run_id,
        runTitle: r.run_title,
        runKind: r.run_kind,
        cardId: r.card_id,
        repetition: r.repetition,
        status: r.status,
        endReason: r.end_reason,
        endPhrase: r.end_phrase,
        turns: r.turns,
        messageCount: r.message_count,
        preview: shorten(r.preview ?? '', PREVIEW),
        snippet: snippets.get(r.id) ?? null,
        tags: tags.get(r.id) ?? [],
        starred: r.starred === 1,
        externalId: r.external_id,
        cost: r.cost,
        createdAt: r.created_at,
        finishedAt: r.finished_at,
      }));
  }

  /** The first message of each session holding the first word, cut around it, the word in 【】. */
  private snippets(ids: number[], words: string[]): Map<number, string> {
    const word = words[0]!;
    const rows = this.db
      .prepare(
        `SELECT m.session_id AS id, m.content FROM sim_messages m
         WHERE m.session_id IN (SELECT value FROM json_each(?)) AND instr(lower(m.content), lower(?)) > 0
         ORDER BY m.session_id, m.idx`,
      )
      .all(JSON.stringify(ids), word) as { id: number; content: string }[];
    const out = new Map<number, string>();
    for (const r of rows) {
      if (out.has(r.id)) continue;
      const at = asciiLower(r.content).indexOf(asciiLower(word));
      const start = Math.max(0, at - 30);
      const end = Math.min(r.content.length, at + word.length + 60);
      out.set(
        r.id,
        `${start > 0 ? '…' : ''}${r.content.slice(start, at)}【${r.content.slice(at, at + word.length)}】${r.content.slice(at + word.length, end)}${end < r.content.length ? '…' : ''}`,
      );
    }
    return out;
  }

  get(id: number): DialogueDetail {
    const summary = this.summaries([id])[0];
    if (!summary) throw notFound('dialogue', id);
    const extra = this.db.prepare('SELECT card_text, error, error_kind FROM sim_sessions WHERE id = ?').get(id) as {
      card_text: string | null;
      error: string | null;
      error_kind: string | null;
    };
    const messages = this.db
      .prepare(
        `SELECT m.idx, m.role, m.content, c.attempt, c.prompt_tokens, c.completion_tokens, c.latency_ms
         FROM sim_messages m LEFT JOIN sim_calls c ON c.id = m.call_id WHERE m.session_id = ? ORDER BY m.idx`,
      )
      .all(id) as { idx: number; role: AgentRole; content: string; attempt: number | null; prompt_tokens: number | null; completion_tokens: number | null; latency_ms: number | null }[];
    const rejected = this.db
      .prepare(`SELECT idx, attempt, content, rejection, rejection_detail FROM sim_calls WHERE session_id = ? AND accepted = 0 ORDER BY idx, attempt`)
      .all(id) as { idx: number; attempt: number; content: string | null; rejection: RejectionReason; rejection_detail: string | null }[];
    const rejectedAt = new Map<number, RejectedAttempt[]>();
    for (const r of rejected) {
      (rejectedAt.get(r.idx) ?? rejectedAt.set(r.idx, []).get(r.idx)!).push({ attempt: r.attempt, content: r.content ?? '', reason: r.rejection, detail: r.rejection_detail ?? '' });
    }
    const list: DialogueMessage[] = messages.map((m) => ({
      index: m.idx,
      role: m.role,
      content: m.content,
      attempt: m.attempt,
      rejected: rejectedAt.get(m.idx) ?? [],
      promptTokens: m.prompt_tokens,
      completionTokens: m.completion_tokens,
      latencyMs: m.latency_ms,
    }));
    return { ...summary, cardText: extra.card_text, error: extra.error, errorKind: extra.error_kind, messages: list, pendingRejected: rejectedAt.get(messages.length) ?? [] };
  }

  /** The dialogue as stored: alternating messages from the opener on. */
  messages(id: number): { role: AgentRole; content: string }[] {
    return this.db.prepare('SELECT role, content FROM sim_messages WHERE session_id = ? ORDER BY idx').all(id) as { role: AgentRole; content: string }[];
  }

  tag(ids: number[], add: string[] = [], remove: string[] = []): number {
    return writeTransaction(this.db, () => {
      const exists = this.db.prepare('SELECT 1 FROM sim_sessions WHERE id = ?');
      const insert = this.db.prepare('INSERT OR IGNORE INTO sim_session_tags (session_id, tag) VALUES (?, ?)');
      const del = this.db.prepare('DELETE FROM sim_session_tags WHERE session_id = ? AND tag = ?');
      let affected = 0;
      for (const id of ids) {
        if (!exists.get(id)) continue;
        let changed = 0;
        for (const t of add) changed += insert.run(id, t).changes;
        for (const t of remove) changed += del.run(id, t).changes;
        if (changed > 0) affected++;
      }
      return affected;
    });
  }

  star(ids: number[], starred: boolean): number {
    return this.db
      .prepare('UPDATE sim_sessions SET starred = ? WHERE starred != ? AND id IN (SELECT value FROM json_each(?))')
      .run(starred ? 1 : 0, starred ? 1 : 0, JSON.stringify(ids)).changes;
  }

  /** Deletes sessions (with their messages, calls and tags); the run's session count follows. */
  remove(ids: number[]): number {
    return writeTransaction(this.db, () => {
      const busy = this.db
        .prepare(
          `SELECT count(*) AS n FROM sim_sessions s JOIN sim_runs r ON r.id = s.run_id JOIN jobs j ON j.id = r.job_id
           WHERE s.id IN (SELECT value FROM json_each(?)) AND j.status = 'running'`,
        )
        .get(JSON.stringify(ids)) as { n: number };
      if (busy.n > 0) throw keyedError('conflict', 'dialoguesInRunningRun', {}, 'Some of these dialogues belong to a run that is running; pause or cancel it first.');
      const runs = this.db.prepare('SELECT DISTINCT run_id FROM sim_sessions WHERE id IN (SELECT value FROM json_each(?))').all(JSON.stringify(ids)) as { run_id: number }[];
      const removed = this.db.prepare('DELETE FROM sim_sessions WHERE id IN (SELECT value FROM json_each(?))').run(JSON.stringify(ids)).changes;
      const recount = this.db.prepare('UPDATE sim_runs SET session_count = (SELECT count(*) FROM sim_sessions WHERE run_id = ?) WHERE id = ?');
      for (const r of runs) recount.run(r.run_id, r.run_id);
      return removed;
    });
  }

  tags(): { tag: string; count: number }[] {
    return this.db.prepare('SELECT tag, count(*) AS count FROM sim_session_tags GROUP BY tag ORDER BY tag').all() as { tag: string; count: number }[];
  }

  private tagsFor(ids: number[]): Map<number, string[]> {
    const rows = this.db
      .prepare('SELECT session_id, tag FROM sim_session_tags WHERE session_id IN (SELECT value FROM json_each(?)) ORDER BY tag')
      .all(JSON.stringify(ids)) as { session_id: number; tag: string }[];
    const map = new Map<number, string[]>();
    for (const r of rows) (map.get(r.session_id) ?? map.set(r.session_id, []).get(r.session_id)!).push(r.tag);
    return map;
  }
}

/** Lower case as SQLite's lower() and LIKE fold it: ASCII letters only, lengths unchanged. */
const asciiLower = (text: string) => text.replace(/[A-Z]+/g, (s) => s.toLowerCase());

function shorten(text: string, max: number): string {
  const chars = [...text];
  return chars.length > max ? `${chars.slice(0, max - 1).join('')}…` : text;
}
