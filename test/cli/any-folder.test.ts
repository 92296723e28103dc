import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLlmServer, type LlmServer } from '../llm-server/server';
import { simpsy } from '../support/cli';
import { tempDbPath, tempDir } from '../support/temp';
import { agentOf, paperFixtures } from '../simulation/support';

// The built `simpsy` run from a folder that is not the project's: the shipped prompts and
// termination lists are found beside the code, not in the working directory.

let server: LlmServer;
beforeAll(async () => {
  server = await startLlmServer();
});
afterAll(() => server.close());

describe('simpsy from any folder', () => {
  it('simulates and imports the paper\'s dialogues with a fresh temp folder as the working directory', async () => {
    const cwd = tempDir();
    const db = tempDbPath();
    const run = (args: string[]) => simpsy(['--db', db, ...args], {}, { cwd });
    server.respond((ctx) => (agentOf(ctx) === 'client' ? '我最近睡不好。' : '好的，今天先聊到这里，再见。'));
    expect(await run(['endpoints', 'add', '--name', 'local', '--base-url', server.url, '--model', 'test-model'])).toMatchObject({ code: 0 });
    expect(await run(['cards', 'import', paperFixtures])).toMatchObject({ code: 0 });

    const simulated = await run(['simulate', '--client', 'local', '--counselor', 'local', '--cards', '1,2', '--json']);
    expect(simulated.stderr).not.toMatch(/missing/);
    expect(simulated.code).toBe(0);
    expect(JSON.parse(simulated.stdout.trimEnd().split('\n').at(-1)!)).toMatchObject({ status: 'done', sessions: 2, completed: 2, endReasons: { phrase: 2 } });

    const imported = await run(['dialogues', 'import', join(paperFixtures, 'dialogue')]);
    expect(imported.stderr).toBe('');
    expect(imported).toMatchObject({ code: 0, stdout: expect.stringMatching(/^Imported 1 dialogue \(\d+ messages\) as run 2/) });
  });
});
