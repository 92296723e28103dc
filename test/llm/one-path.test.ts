import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

// Every model call goes through src-main/llm (chat() and embed()): no other code builds an
// openai client or sends a request with one, so timeouts, abort, retries, rate limits,
// usage and failure messages cannot drift apart again between callers.

const root = join(__dirname, '../..');

function sources(dir: string): string[] {
  return readdirSync(join(root, dir)).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(join(root, path)).isDirectory()) return sources(path);
    return /\.ts$/.test(name) ? [path] : [];
  });
}

const requests = /\.(chat\.completions|completions|embeddings|responses)\.create\s*\(|new\s+OpenAI\s*\(/;

describe('one model-call path', () => {
  it('sends every request to a model from src-main/llm only', () => {
    const outside = sources('src-main').filter((f) => !f.startsWith(join('src-main', 'llm')));
    const offending = outside.filter((f) => requests.test(readFileSync(join(root, f), 'utf8'))).map((f) => relative(root, join(root, f)));
    expect(offending).toEqual([]);
  });

  it('finds the requests where they are', () => {
    // Guard against a pattern that silently matches nothing.
    expect(requests.test(readFileSync(join(root, 'src-main/llm/chat.ts'), 'utf8'))).toBe(true);
    expect(requests.test(readFileSync(join(root, 'src-main/llm/embeddings.ts'), 'utf8'))).toBe(true);
    expect(requests.test(readFileSync(join(root, 'src-main/llm/client.ts'), 'utf8'))).toBe(true);
  });
});
