import type BetterSqlite3 from 'better-sqlite3';
import type { Db } from '../storage/database';

// The dialogue search index (sim_session_search, migration 007). The reference is the scan
// `content LIKE '%word%' ESCAPE '\'`: a substring of one message, ASCII letters folded and
// nothing else; every search returns exactly what that scan returns, for words of any length
// and script, with no segmenter. One row per session holds, each once, the characters of its
// messages and the pairs of neighbouring characters inside a message. A word of one or two
// characters is one lookup; a longer one narrows to the sessions holding all its pairs, and
// those are checked with LIKE (buildDialogueQuery).
// Whitespace never occurs in a query word (words are split at it), so pairs across it are
// left out. FTS5's ascii tokenizer reads any non-ASCII character, ASCII letter or digit as
// part of a token; every other ASCII character is written as an escape and two hex digits.
//
// Sessions whose messages changed are listed in sim_session_search_pending by triggers;
// searches scan those with LIKE and `catchUp` indexes them once they are not running, so
// results never depend on whether the catch-up has run.

const ESCAPE = '\uE000';

/** JS `\s`, what splits query words, by code point (all of it lies in the BMP). */
const space = new Uint8Array(0x10000);
for (let cp = 0; cp < 0x10000; cp++) if (/\s/u.test(String.fromCharCode(cp))) space[cp] = 1;

/**
 * A character as part of a term. No code is the start of another (only escapes start with
 * ESCAPE, and they have a fixed length), so a pair of codes reads back one way only; and a
 * character's term (1 code point, or 3 for an escape) never equals a pair's (2, 4 or 6).
 */
function code(cp: number): string {
  if (cp >= 0x80) return cp === 0xe000 ? `${ESCAPE}ee` : String.fromCodePoint(cp);
  const alnum = (cp >= 0x30 && cp <= 0x39) || (cp >= 0x61 && cp <= 0x7a);
  return alnum ? String.fromCharCode(cp) : ESCAPE + cp.toString(16).padStart(2, '0');
}

/** A character as LIKE compares it: ASCII letters folded; a lone surrogate is stored as U+FFFD. */
function fold(cp: number): number {
  if (cp >= 0x41 && cp <= 0x5a) return cp + 32;
  if (cp >= 0xd800 && cp <= 0xdfff) return 0xfffd;
  return cp;
}

// Building a session's terms is the index's main cost (a character at a time over every
// message), so it avoids allocation: codes of BMP characters are cached, characters already
// listed for this session are marked by a stamp, and pairs of BMP characters (a 32-bit key)
// are deduplicated in an open-addressing table reused from session to session. Pairs with
// a character beyond the BMP, which are rare, go through a Set.
const bmpCodes: (string | undefined)[] = new Array<string | undefined>(0x10000);
const codeOf = (cp: number): string => (cp < 0x10000 ? (bmpCodes[cp] ??= code(cp)) : code(cp));
const listedIn = new Uint32Array(0x10000);
let pairBits = 12;
let pairKeys = new Uint32Array(1 << pairBits);
let pairStamps = new Uint32Array(1 << pairBits);
let stamp = 0;

/** True the first time a pair of BMP characters is seen in the current session. */
function firstPair(key: number): boolean {
  const mask = (1 << pairBits) - 1;
  for (let h = Math.imul(key, 0x9e3779b1) >>> (32 - pairBits); ; h = (h + 1) & mask) {
    if (pairStamps[h] !== stamp) {
      pairStamps[h] = stamp;
      pairKeys[h] = key;
      return true;
    }
    if (pairKeys[h] === key) return false;
  }
}

/** The index row of a session: its messages' characters and neighbouring pairs, each once. */
export function searchTerms(messages: readonly string[]): string {
  let length = 0;
  for (const text of messages) length += text.length;
  // At most half full, so probes stay short.
  if (length * 2 > 1 << pairBits) {
    while (length * 2 > 1 << pairBits) pairBits++;
    pairKeys = new Uint32Array(1 << pairBits);
    pairStamps = new Uint32Array(1 << pairBits);
  }
  if (++stamp === 0xffffffff) {
    stamp = 1;
    listedIn.fill(0);
    pairStamps.fill(0);
  }
  let astral: Set<number | string> | null = null;
  const terms: string[] = [];
  for (const text of messages) {
    let previous = -1;
    for (let i = 0; i < text.length; i++) {
      let cp = text.charCodeAt(i);
      if (cp >= 0xd800 && cp <= 0xdbff && i + 1 < text.length) {
        const low = text.charCodeAt(i + 1);
        if (low >= 0xdc00 && low <= 0xdfff) {
          cp = (cp - 0xd800) * 0x400 + (low - 0xdc00) + 0x10000;
          i++;
        }
      }
      cp = fold(cp);
      if (cp < 0x10000 && space[cp] === 1) {
        previous = -1;
        continue;
      }
      if (cp < 0x10000) {
        if (listedIn[cp] !== stamp) {
          listedIn[cp] = stamp;
          terms.push(codeOf(cp));
        }
      } else if (!(astral ??= new Set()).has(cp)) {
        astral.add(cp);
        terms.push(codeOf(cp));
      }
      if (previous >= 0) {
        let first: boolean;
        if (previous < 0x10000 && cp < 0x10000) first = firstPair(((previous << 16) | cp) >>> 0);
        else {
          const key = `${previous},${cp}`;
          first = !(astral ??= new Set()).has(key);
          if (first) astral.add(key);
        }
        if (first) terms.push(codeOf(previous) + codeOf(cp));
      }
      previous = cp;
    }
  }
  return terms.join(' ');
}

/** A query word's characters as LIKE compares them. */
const wordCodes = (word: string): string[] => Array.from(word, (ch) => code(fold(ch.codePointAt(0)!)));

/**
 * The FTS5 query finding the sessions that may hold every word (none holding whitespace):
 * exactly those for words of one or two characters, a superset for longer ones.
 */
export function searchMatch(words: readonly string[]): string {
  return words
    .map((word) => {
      const cps = wordCodes(word);
      const terms = cps.length === 1 ? cps : [...new Set(cps.slice(1).map((c, i) => cps[i]! + c))];
      return terms.map((t) => `"${t}"`).join(' AND ');
    })
    .join(' AND ');
}

/** Whether the index answers a word exactly (one or two characters), or only narrows it down. */
export const indexAnswers = (word: string): boolean => wordCodes(word).length <= 2;

type Statement = BetterSqlite3.Statement<unknown[], unknown>;

export class DialogueSearchIndex {
  private readonly statements = new Map<string, Statement>();
  private scheduled = false;

  constructor(private readonly db: Db) {}

  private s(sql: string): Statement {
    let st = this.statements.get(sql);
    if (!st) this.statements.set(sql, (st = this.db.prepare(sql)));
    return st;
  }

  /** Indexes up to `max` pending sessions that are not running, in one transaction; returns how many. */
  catchUp(max = 500): number {
    return this.db.transaction(() => {
      const pending = this.s(
        `SELECT p.session_id AS id FROM sim_session_search_pending p LEFT JOIN sim_sessions s ON s.id = p.session_id
         WHERE s.status IS NOT 'running' ORDER BY p.session_id LIMIT ?`,
      ).all(max) as { id: number }[];
      if (pending.length === 0) return 0;
      const ids = JSON.stringify(pending.map((p) => p.id));
      const rows = this.s(
        'SELECT session_id AS id, content FROM sim_messages WHERE session_id IN (SELECT value FROM json_each(?)) ORDER BY session_id, idx',
      ).all(ids) as { id: number; content: string }[];
      const remove = this.s('DELETE FROM sim_session_search WHERE rowid = ?');
      const insert = this.s('INSERT INTO sim_session_search (rowid, terms) VALUES (?, ?)');
      let at = 0;
      for (const { id } of pending) {
        const messages: string[] = [];
        for (; at < rows.length && rows[at]!.id === id; at++) messages.push(rows[at]!.content);
        remove.run(id);
        // A session deleted while pending has no messages and gets no row.
        if (messages.length > 0) insert.run(id, searchTerms(messages));
      }
      this.s('DELETE FROM sim_session_search_pending WHERE session_id IN (SELECT value FROM json_each(?))').run(ids);
      return pending.length;
    }).immediate();
  }

  pendingCount(): number {
    return (this.s('SELECT count(*) AS n FROM sim_session_search_pending').get() as { n: number }).n;
  }

  /** Indexes everything pending that is not running, now (the CLI, before it exits). */
  catchUpAll(): number {
    let total = 0;
    for (let n = this.catchUp(1000); n > 0; n = this.catchUp(1000)) total += n;
    return total;
  }

  /**
   * Catches up in the background, a chunk per turn of the event loop, until nothing is left.
   * It never waits for the write lock (that would freeze the app while another process
   * imports); it tries again a second later.
   */
  schedule(chunk = 200): void {
    if (this.scheduled) return;
    this.scheduled = true;
    const step = () => {
      let next: number | null = null;
      if (this.db.open) {
        const timeout = this.db.pragma('busy_timeout', { simple: true }) as number;
        try {
          this.db.pragma('busy_timeout = 0');
          if (this.catchUp(chunk) === chunk) next = 0;
        } catch (error) {
          if ((error as { code?: string }).code === 'SQLITE_BUSY') next = 1000;
        } finally {
          if (this.db.open) this.db.pragma(`busy_timeout = ${timeout}`);
        }
      }
      if (next === null) this.scheduled = false;
      else setTimeout(step, next).unref();
    };
    setTimeout(step, 0).unref();
  }
}
