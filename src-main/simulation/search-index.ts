import type { Db } from '../storage/database';
import { prepared } from '../storage/statements';
import { writeTransaction } from '../storage/transaction';

// The dialogue search index (sim_session_search, migration 008). The reference is the scan
// `content LIKE '%word%' ESCAPE '\'`: a substring of one message, ASCII letters folded and
// nothing else; every search returns exactly what that scan returns, for words of any length
// and script, with no segmenter and without reading a message. One row per session holds:
//  - `chars`: its characters, each once: a word of one character is one lookup;
//  - `pairs`: the pairs of neighbouring characters of its messages, in order: a word of n ≥ 2
//    characters is the phrase of its n−1 pairs at consecutive positions, that is a substring.
// Whitespace never occurs in a query word (words are split at it), so a run of whitespace and
// the end of a message each become one BREAK, which keeps the pairs on either side from
// being consecutive. FTS5's ascii tokenizer reads any non-ASCII character, ASCII letter or
// digit as part of a term; every other ASCII character is written as an escape and two hex
// digits.
//
// Sessions whose messages changed are listed in sim_session_search_pending by triggers;
// searches scan those with LIKE and `catchUp` indexes them once they are not running, so
// results never depend on whether the catch-up has run.

const ESCAPE = '\uE000';
/** Not a code (escapes are three code points), so never a pair. */
const BREAK = ESCAPE;

/** JS `\s`, what splits query words, by code point (all of it lies in the BMP). */
const space = new Uint8Array(0x10000);
for (let cp = 0; cp < 0x10000; cp++) if (/\s/u.test(String.fromCharCode(cp))) space[cp] = 1;

/**
 * A character as part of a term. No code is the start of another (only escapes start with
 * ESCAPE, and they have a fixed length), so a pair of codes reads back one way only.
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

// Building a session's terms is the index's main cost in JS (a character at a time over
// every message), so codes of BMP characters are cached and characters already listed for
// the session are marked by a stamp instead of a Set.
const bmpCodes: (string | undefined)[] = new Array<string | undefined>(0x10000);
const codeOf = (cp: number): string => (cp < 0x10000 ? (bmpCodes[cp] ??= code(cp)) : code(cp));
const listedIn = new Uint32Array(0x10000);
let stamp = 0;

export interface SearchTerms {
  chars: string;
  pairs: string;
}

/** The index row of a session. */
export function searchTerms(messages: readonly string[]): SearchTerms {
  if (++stamp === 0xffffffff) {
    stamp = 1;
    listedIn.fill(0);
  }
  let astral: Set<number> | null = null;
  const chars: string[] = [];
  const pairs: string[] = [];
  for (const text of messages) {
    let previous = '';
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
        if (previous !== '' && pairs.length > 0 && pairs[pairs.length - 1] !== BREAK) pairs.push(BREAK);
        previous = '';
        continue;
      }
      const current = codeOf(cp);
      if (cp < 0x10000 ? listedIn[cp] !== stamp : !(astral ??= new Set()).has(cp)) {
        if (cp < 0x10000) listedIn[cp] = stamp;
        else astral!.add(cp);
        chars.push(current);
      }
      if (previous !== '') pairs.push(previous + current);
      previous = current;
    }
    if (pairs.length > 0 && pairs[pairs.length - 1] !== BREAK) pairs.push(BREAK);
  }
  return { chars: chars.join(' '), pairs: pairs.join(' ') };
}

/** The FTS5 query for sessions holding every word (none holding whitespace). */
export function searchMatch(words: readonly string[]): string {
  return words
    .map((word) => {
      const codes = Array.from(word, (ch) => code(fold(ch.codePointAt(0)!)));
      if (codes.length === 1) return `chars : "${codes[0]}"`;
      return `pairs : "${codes.slice(1).map((c, i) => codes[i]! + c).join(' ')}"`;
    })
    .join(' AND ');
}

export class DialogueSearchIndex {
  private scheduled = false;

  constructor(private readonly db: Db) {}

  /** Indexes up to `max` pending sessions that are not running, in one transaction; returns how many. */
  catchUp(max = 500): number {
    return writeTransaction(this.db, () => {
      const pending = prepared(
        this.db,
        `SELECT p.session_id AS id FROM sim_session_search_pending p LEFT JOIN sim_sessions s ON s.id = p.session_id
         WHERE s.status IS NOT 'running' ORDER BY p.session_id LIMIT ?`,
      ).all(max) as { id: number }[];
      if (pending.length === 0) return 0;
      const ids = JSON.stringify(pending.map((p) => p.id));
      const rows = prepared(this.db, 'SELECT session_id, content FROM sim_messages WHERE session_id IN (SELECT value FROM json_each(?)) ORDER BY session_id, idx')
        .raw()
        .all(ids) as [number, string][];
      const remove = prepared(this.db, 'DELETE FROM sim_session_search WHERE rowid = ?');
      const insert = prepared(this.db, 'INSERT INTO sim_session_search (rowid, chars, pairs) VALUES (?, ?, ?)');
      let at = 0;
      for (const { id } of pending) {
        const messages: string[] = [];
        for (; at < rows.length && rows[at]![0] === id; at++) messages.push(rows[at]![1]);
        remove.run(id);
        // A session deleted while pending has no messages and gets no row.
        if (messages.length > 0) {
          const terms = searchTerms(messages);
          insert.run(id, terms.chars, terms.pairs);
        }
      }
      prepared(this.db, 'DELETE FROM sim_session_search_pending WHERE session_id IN (SELECT value FROM json_each(?))').run(ids);
      return pending.length;
    });
  }

  pendingCount(): number {
    return (prepared(this.db, 'SELECT count(*) AS n FROM sim_session_search_pending').get() as { n: number }).n;
  }

  /** Indexes everything pending that is not running, now (the CLI, before it exits). */
  catchUpAll(): number {
    let total = 0;
    for (let n = this.catchUp(500); n > 0; n = this.catchUp(500)) total += n;
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
