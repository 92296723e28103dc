import { DomainError } from '../common/errors';
import { now } from '../common/time';
import type { Db } from '../storage/database';
import { prepared } from '../storage/statements';
import { writeTransaction } from '../storage/transaction';

// The counselors that compete in the arena. A counselor is a name for "this endpoint, this
// model, this prompt, these sampling settings": the same endpoint can back several
// counselors (one model under two prompts, or two temperatures). Null settings fall back to
// the endpoint's own when a run snapshots the counselor.

export type CounselorPrompt = 'default' | 'released' | 'custom';

export interface Counselor {
  id: number;
  name: string;
  endpointId: number;
  model: string | null;
  promptName: CounselorPrompt;
  /** The prompt text of a custom prompt; null for the shipped ones (read when a run starts). */
  prompt: string | null;
  temperature: number | null;
  topP: number | null;
  maxTokens: number | null;
  preset: string | null;
  createdAt: string;
}

export interface CounselorInput {
  name: string;
  endpointId: number;
  model?: string | null;
  promptName?: CounselorPrompt;
  prompt?: string | null;
  temperature?: number | null;
  topP?: number | null;
  maxTokens?: number | null;
  preset?: string | null;
}

/** The paper's Table 3: the sampling settings of the six counselors it compared. */
export const COUNSELOR_PRESETS: readonly { name: string; temperature: number; topP: number }[] = [
  { name: 'SoulChat', temperature: 0.95, topP: 0.75 },
  { name: 'MeChat', temperature: 0.8, topP: 0.8 },
  { name: 'PsyChat', temperature: 0.8, topP: 0.8 },
  { name: 'CPsyCounX', temperature: 0.8, topP: 0.8 },
  { name: 'simpsybot_D', temperature: 0.95, topP: 0.7 },
  { name: 'simpsybot_Q', temperature: 0.7, topP: 0.8 },
];

export function findPreset(name: string): (typeof COUNSELOR_PRESETS)[number] {
  const preset = COUNSELOR_PRESETS.find((p) => p.name.toLowerCase() === name.toLowerCase());
  if (!preset) throw new DomainError('validation', `No preset named '${name}'. Presets (paper Table 3): ${COUNSELOR_PRESETS.map((p) => p.name).join(', ')}.`);
  return preset;
}

interface CounselorRow {
  id: number;
  name: string;
  endpoint_id: number;
  model: string | null;
  prompt_name: CounselorPrompt;
  prompt: string | null;
  temperature: number | null;
  top_p: number | null;
  max_tokens: number | null;
  preset: string | null;
  created_at: string;
}

const toCounselor = (r: CounselorRow): Counselor => ({
  id: r.id,
  name: r.name,
  endpointId: r.endpoint_id,
  model: r.model,
  promptName: r.prompt_name,
  prompt: r.prompt,
  temperature: r.temperature,
  topP: r.top_p,
  maxTokens: r.max_tokens,
  preset: r.preset,
  createdAt: r.created_at,
});

function check(input: CounselorInput): void {
  const problem = (field: string, message: string) => new DomainError('validation', `${field}: ${message}`, [{ path: field, message }]);
  if (input.name.trim() === '' || input.name !== input.name.trim()) throw problem('name', 'give a name without leading or trailing spaces');
  // Names are joined with commas on the command line (--counselors A,B,C).
  if (input.name.includes(',')) throw problem('name', 'a counselor name cannot contain a comma');
  if (input.temperature != null && !(input.temperature >= 0 && input.temperature <= 2)) throw problem('temperature', 'must be between 0 and 2');
  if (input.topP != null && !(input.topP > 0 && input.topP <= 1)) throw problem('topP', 'must be above 0 and at most 1');
  if (input.maxTokens != null && !(Number.isSafeInteger(input.maxTokens) && input.maxTokens >= 1)) throw problem('maxTokens', 'must be a whole number of at least 1');
  if ((input.promptName === 'custom') !== (input.prompt != null)) throw problem('prompt', 'a custom prompt needs its text, and only a custom prompt has one');
  if (input.prompt != null && input.prompt.trim() === '') throw problem('prompt', 'the prompt file is empty');
}

export class CounselorRepository {
  constructor(private readonly db: Db) {}

  list(): Counselor[] {
    return (prepared(this.db, 'SELECT * FROM counselors ORDER BY name COLLATE NOCASE').all() as CounselorRow[]).map(toCounselor);
  }

  find(name: string): Counselor | undefined {
    const row = prepared(this.db, 'SELECT * FROM counselors WHERE name = ?').get(name) as CounselorRow | undefined;
    return row && toCounselor(row);
  }

  /** The named counselors, in the order asked; an unknown name is an error listing the known ones. */
  byNames(names: readonly string[]): Counselor[] {
    const missing = names.filter((n) => !this.find(n));
    if (missing.length > 0) {
      const known = this.list().map((c) => c.name);
      throw new DomainError(
        'not_found',
        `No counselor named ${missing.map((n) => `'${n}'`).join(', ')}. ${known.length ? `Known: ${known.join(', ')}.` : 'Add one with: simpsy counselors add --name NAME --endpoint ENDPOINT'}`,
      );
    }
    return names.map((n) => this.find(n)!);
  }

  create(input: CounselorInput): Counselor {
    const full = { promptName: 'default' as const, ...input };
    check(full);
    return writeTransaction(this.db, () => {
      if (this.find(full.name)) throw new DomainError('conflict', `A counselor named '${full.name}' exists already; remove it first or choose another name.`);
      const stamp = now();
      const info = prepared(
        this.db,
        `INSERT INTO counselors (name, endpoint_id, model, prompt_name, prompt, temperature, top_p, max_tokens, preset, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ).run(
        full.name,
        full.endpointId,
        full.model ?? null,
        full.promptName,
        full.prompt ?? null,
        full.temperature ?? null,
        full.topP ?? null,
        full.maxTokens ?? null,
        full.preset ?? null,
        stamp,
        stamp,
      );
      return toCounselor(prepared(this.db, 'SELECT * FROM counselors WHERE id = ?').get(Number(info.lastInsertRowid)) as CounselorRow);
    });
  }

  remove(name: string): void {
    const removed = writeTransaction(this.db, () => prepared(this.db, 'DELETE FROM counselors WHERE name = ?').run(name).changes);
    if (removed === 0) this.byNames([name]);
  }
}
