import { DomainError } from '../common/errors';
import { winners, type ArenaBattle, type Winner } from './battle';

// A battles file in the shape Chatbot Arena publishes (clean_battle_*.json: a JSON array) or
// its JSONL form (one battle a line, as `simpsy battles export --format arena` writes): per
// battle `model_a`, `model_b`, `winner` (model_a | model_b | tie | tie (bothbad)), optionally
// `tstamp` (seconds since 1970, as Chatbot Arena writes it, or an ISO 8601 time) and `judge`;
// other fields are ignored. Battles are rated in chronological order: by tstamp when every
// battle has one (ties of tstamp keep the file's order), in the file's order when none has.
// A file where only some have one is refused, since no order would be the true one.

const WHAT_TO_DO = 'Fix the file (each battle needs model_a, model_b and winner) and run again.';

interface Place {
  file: string;
  /** "line 7" in JSONL, "battle 7" in a JSON array (its 7th element). */
  at: string;
}

const bad = (p: Place, problem: string) => new DomainError('validation', `${p.file}, ${p.at}: ${problem}. ${WHAT_TO_DO}`);

function modelName(p: Place, record: Record<string, unknown>, field: 'model_a' | 'model_b'): string {
  const value = record[field];
  if (value === undefined || value === null) throw bad(p, `field '${field}' is missing`);
  if (typeof value !== 'string' || value.trim() === '') throw bad(p, `field '${field}' must be a model's name (text), got ${JSON.stringify(value)}`);
  return value;
}

/** Seconds since 1970 (Chatbot Arena's tstamp), or null when the battle has none. */
function timeOf(p: Place, value: unknown): number | null {
  if (value === undefined || value === null) return null;
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string' && !Number.isNaN(Date.parse(value))) return Date.parse(value) / 1000;
  throw bad(p, `field 'tstamp' must be seconds since 1970 or an ISO 8601 time, got ${JSON.stringify(value)}`);
}

function battleOf(p: Place, record: unknown, source: string): { battle: ArenaBattle; time: number | null } {
  if (record === null || typeof record !== 'object' || Array.isArray(record)) throw bad(p, 'a battle must be a JSON object');
  const r = record as Record<string, unknown>;
  const modelA = modelName(p, r, 'model_a');
  const modelB = modelName(p, r, 'model_b');
  if (modelA === modelB) throw bad(p, `model_a and model_b are both '${modelA}'; a battle is between two different models`);
  if (r.winner === undefined || r.winner === null) throw bad(p, "field 'winner' is missing");
  if (!winners.includes(r.winner as Winner)) throw bad(p, `field 'winner' is ${JSON.stringify(r.winner)}; it must be one of ${winners.map((w) => `"${w}"`).join(', ')}`);
  if (r.judge !== undefined && r.judge !== null && typeof r.judge !== 'string') throw bad(p, `field 'judge' must be text, got ${JSON.stringify(r.judge)}`);
  const time = timeOf(p, r.tstamp);
  return {
    battle: { modelA, modelB, winner: r.winner as Winner, judge: (r.judge as string | undefined) ?? null, source, at: time === null ? null : new Date(time * 1000).toISOString() },
    time,
  };
}

/** The battles of a file's text, in chronological order. `file` names it in errors (and is each battle's source). */
export function parseBattlesFile(text: string, file: string): ArenaBattle[] {
  const body = text.replace(/^\uFEFF/, '');
  const read: { battle: ArenaBattle; time: number | null; place: Place }[] = [];
  if (body.trimStart().startsWith('[')) {
    let items: unknown;
    try {
      items = JSON.parse(body);
    } catch (error) {
      throw new DomainError('validation', `${file} is not valid JSON (${(error as Error).message}). ${WHAT_TO_DO}`);
    }
    if (!Array.isArray(items)) throw new DomainError('validation', `${file} must hold a JSON array of battles, or one battle per line. ${WHAT_TO_DO}`);
    items.forEach((item, i) => {
      const place = { file, at: `battle ${i + 1}` };
      read.push({ ...battleOf(place, item, file), place });
    });
  } else {
    body.split(/\r?\n/).forEach((line, i) => {
      if (line.trim() === '') return;
      const place = { file, at: `line ${i + 1}` };
      let record: unknown;
      try {
        record = JSON.parse(line);
      } catch (error) {
        throw bad(place, `not valid JSON (${(error as Error).message})`);
      }
      read.push({ ...battleOf(place, record, file), place });
    });
  }
  if (read.length === 0) throw new DomainError('validation', `${file} holds no battles. ${WHAT_TO_DO}`);
  const timed = read.filter((r) => r.time !== null).length;
  if (timed > 0 && timed < read.length) {
    const untimed = read.find((r) => r.time === null)!;
    throw bad(untimed.place, `field 'tstamp' is missing, while ${timed} other battle(s) have one; give every battle a tstamp, or none (then the file's order is the chronological order)`);
  }
  // Array.prototype.sort is stable: equal times keep the file's order.
  if (timed > 0) read.sort((x, y) => x.time! - y.time!);
  return read.map((r) => r.battle);
}
