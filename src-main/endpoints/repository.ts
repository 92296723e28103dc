import type { EndpointCreateInput, EndpointUpdateInput, EndpointView } from '../contract/endpoint';
import { DomainError, keyedError, notFound } from '../common/errors';
import { now } from '../common/time';
import type { Db } from '../storage/database';
import type { SecretBox } from './secret-box';

interface EndpointRow {
  id: number;
  name: string;
  base_url: string;
  model: string;
  temperature: number | null;
  top_p: number | null;
  max_tokens: number | null;
  price_input_per_m: number | null;
  price_output_per_m: number | null;
  timeout_ms: number | null;
  api_key_env: string | null;
  api_key_cipher: Buffer | null;
  created_at: string;
  updated_at: string;
}

/** What the LLM layer needs to call an endpoint: the view plus the still-encrypted key. */
export interface EndpointRecord extends EndpointView {
  apiKeyCipher: Buffer | null;
}

const toRecord = (r: EndpointRow): EndpointRecord => ({
  id: r.id,
  name: r.name,
  baseUrl: r.base_url,
  model: r.model,
  temperature: r.temperature,
  topP: r.top_p,
  maxTokens: r.max_tokens,
  priceInputPerM: r.price_input_per_m,
  priceOutputPerM: r.price_output_per_m,
  timeoutMs: r.timeout_ms,
  apiKeyEnv: r.api_key_env,
  hasApiKey: r.api_key_cipher !== null,
  apiKeyCipher: r.api_key_cipher,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

/** Strips the cipher: the only shape that may leave the main process. */
export function toView(record: EndpointRecord): EndpointView {
  const { apiKeyCipher: _cipher, ...view } = record;
  return view;
}

// Input field → column. One table keeps create and update in step.
const columns = {
  name: 'name',
  baseUrl: 'base_url',
  model: 'model',
  temperature: 'temperature',
  topP: 'top_p',
  maxTokens: 'max_tokens',
  priceInputPerM: 'price_input_per_m',
  priceOutputPerM: 'price_output_per_m',
  timeoutMs: 'timeout_ms',
  apiKeyEnv: 'api_key_env',
} as const;
type Field = keyof typeof columns;

export class EndpointRepository {
  constructor(
    private readonly db: Db,
    private readonly secrets: SecretBox,
  ) {}

  list(): EndpointRecord[] {
    return (this.db.prepare('SELECT * FROM endpoints ORDER BY name').all() as EndpointRow[]).map(toRecord);
  }

  get(id: number): EndpointRecord {
    const row = this.db.prepare('SELECT * FROM endpoints WHERE id = ?').get(id) as EndpointRow | undefined;
    if (!row) throw notFound('endpoint', id);
    return toRecord(row);
  }

  findByName(name: string): EndpointRecord | undefined {
    const row = this.db.prepare('SELECT * FROM endpoints WHERE name = ?').get(name) as EndpointRow | undefined;
    return row && toRecord(row);
  }

  getByName(name: string): EndpointRecord {
    const found = this.findByName(name);
    if (!found) {
      const known = this.list().map((e) => e.name);
      throw new DomainError(
        'not_found',
        `No endpoint named '${name}'.${known.length ? ` Known: ${known.join(', ')}.` : ' Add one first.'}`,
      );
    }
    return found;
  }

  create(input: EndpointCreateInput): EndpointRecord {
    this.assertNameFree(input.name);
    const cipher = input.apiKey ? this.encrypt(input.apiKey) : null;
    const fields = Object.keys(columns) as Field[];
    const stamp = now();
    const info = this.db
      .prepare(
        `INSERT INTO endpoints (${fields.map((f) => columns[f]).join(', ')}, api_key_cipher, created_at, updated_at)
         VALUES (${fields.map(() => '?').join(', ')}, ?, ?, ?)`,
      )
      .run(...fields.map((f) => input[f] ?? null), cipher, stamp, stamp);
    return this.get(Number(info.lastInsertRowid));
  }

  update(input: EndpointUpdateInput): EndpointRecord {
    const current = this.get(input.id);
    if (input.name !== undefined && input.name.toLowerCase() !== current.name.toLowerCase()) this.assertNameFree(input.name);
    const sets: string[] = [];
    const values: unknown[] = [];
    for (const field of Object.keys(columns) as Field[]) {
      if (input[field] === undefined) continue;
      sets.push(`${columns[field]} = ?`);
      values.push(input[field]);
    }
    if (input.apiKey) {
      sets.push('api_key_cipher = ?');
      values.push(this.encrypt(input.apiKey));
    } else if (input.clearApiKey) {
      sets.push('api_key_cipher = NULL');
    }
    sets.push('updated_at = ?');
    values.push(now());
    this.db.prepare(`UPDATE endpoints SET ${sets.join(', ')} WHERE id = ?`).run(...values, input.id);
    return this.get(input.id);
  }

  remove(id: number): void {
    if (this.db.prepare('DELETE FROM endpoints WHERE id = ?').run(id).changes === 0) throw notFound('endpoint', id);
  }

  private assertNameFree(name: string): void {
    if (this.findByName(name)) {
      throw keyedError('conflict', 'endpointNameTaken', { name }, `An endpoint named '${name}' already exists; choose another name.`, [
        { path: 'name', message: 'This name is already taken' },
      ]);
    }
  }

  private encrypt(key: string): Buffer {
    if (!this.secrets.available) {
      throw new DomainError(
        'unavailable',
        'API keys cannot be stored encrypted on this system. Put the key in an environment variable and enter its name instead.',
        [{ path: 'apiKey', message: 'Encrypted storage is unavailable here; use an environment variable' }],
      );
    }
    return this.secrets.encrypt(key);
  }
}
