import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import yaml from 'js-yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLlmServer, type LlmServer } from '../llm-server/server';
import { agentOf, paperFixtures, play } from '../simulation/support';
import { simpsy } from '../support/cli';
import { tempDbPath, tempDir } from '../support/temp';
import { llamaFactoryRead } from './support';

// The built `simpsy sft export` and `simpsy finetune config`, as a user runs them, on a run
// simulated against the OpenAI-compatible test server and on the paper's imported dialogue.

let server: LlmServer;
beforeAll(async () => {
  server = await startLlmServer();
});
afterAll(() => server.close());

const lastJson = (stdout: string) => JSON.parse(stdout.trimEnd().split('\n').at(-1)!) as Record<string, unknown>;

describe('simpsy sft export', () => {
  it('turns a simulated run into samples LLaMA-Factory accepts, the counselor prompt it was given first', async () => {
    const db = tempDbPath();
    server.reset();
    const counselorPrompts = new Set<string>();
    const responder = play();
    server.respond((ctx) => {
      if (agentOf(ctx) === 'counselor') counselorPrompts.add(ctx.systemPrompt ?? '');
      return responder(ctx);
    });
    expect(await simpsy(['--db', db, 'endpoints', 'add', '--name', 'local', '--base-url', server.url, '--model', 'test-model'])).toMatchObject({ code: 0 });
    expect(await simpsy(['--db', db, 'cards', 'import', paperFixtures])).toMatchObject({ code: 0 });
    const run = await simpsy(['--db', db, 'simulate', '--client', 'local', '--counselor', 'local', '--cards', 'test', '--max-turns', '3', '--json']);
    expect(run.code).toBe(0);
    const sessions = lastJson(run.stdout).completed as number;
    expect(sessions).toBeGreaterThan(0);
    expect(counselorPrompts.size).toBe(1);

    const dir = tempDir();
    for (const [format, mode, file] of [
      ['openai', 'prefix', 'prefix.json'],
      ['sharegpt', 'session', 'session.jsonl'],
    ] as const) {
      const path = join(dir, 'data', file);
      const result = await simpsy(['--db', db, 'sft', 'export', path, '--runs', '1', '--format', format, '--mode', mode, ...(file.endsWith('l') ? ['--jsonl'] : []), '--json']);
      expect(result).toMatchObject({ code: 0, stderr: '' });
      const stats = lastJson(result.stdout);
      // Three counselor turns a session (the turn limit), each a sample in prefix mode.
      expect(stats).toMatchObject({ format, mode, sessions, sessionsUsed: sessions, counselorTurns: 3 * sessions, samples: mode === 'prefix' ? 3 * sessions : sessions, systemPrompts: { snapshot: sessions, default: 0, chosen: 0 } });
      const read = llamaFactoryRead(path, file.split('.')[0]!);
      expect(read.rejected).toBe(0);
      expect(read.accepted).toHaveLength(stats.samples as number);
      for (const a of read.accepted) {
        expect(a.system).toBe([...counselorPrompts][0]);
        expect(a.messages[0]).toEqual({ role: 'user', content: '你好' });
      }
    }
    // Both entries in the one dataset_info.json.
    expect(Object.keys(JSON.parse(readFileSync(join(dir, 'data', 'dataset_info.json'), 'utf8')) as object)).toEqual(['prefix', 'session']);

    const plain = await simpsy(['--db', db, 'sft', 'export', join(dir, 'data', 'prefix.json'), '--runs', '1']);
    expect(plain).toMatchObject({ code: 1, stdout: '' });
    expect(plain.stderr).toMatch(/^simpsy: .*prefix\.json already exists; nothing was written\. .*--force\)\.\n$/);
    const forced = await simpsy(['--db', db, 'sft', 'export', join(dir, 'data', 'prefix.json'), '--runs', '1', '--force']);
    expect(forced.code).toBe(0);
    expect(forced.stdout).toMatch(new RegExp(`^${3 * sessions} samples \\(prefix: one per counselor turn, mask_history\\) from ${sessions} of ${sessions} sessions`));
    expect(forced.stdout).toMatch(/longest sample ≈ \d+ tokens \(session \d+, counselor turn 3\); cutoff_len 4096: every sample fits/);
  });

  it('exports the paper’s dialogue, then previews the job for it; refuses bad input with one line saying what to do', async () => {
    const db = tempDbPath();
    expect(await simpsy(['--db', db, 'dialogues', 'import', join(paperFixtures, 'dialogue')])).toMatchObject({ code: 0 });
    const dir = tempDir();
    const data = join(dir, 'counsel.jsonl');
    const exported = await simpsy(['--db', db, 'sft', 'export', data, '--runs', '1', '--jsonl', '--system', 'released', '--cutoff-len', '1024']);
    expect(exported.code).toBe(0);
    expect(exported.stdout).toMatch(/^10 samples .* from 1 of 1 sessions, 10 counselor turns trained/);
    expect(exported.stdout).toMatch(/cutoff_len 1024: \d+ samples longer, their oldest history would be cut \(raise it: simpsy finetune config --set cutoff_len=N\)/);

    const preview = await simpsy(['finetune', 'config', '--base', 'deepseek-llm-7b-chat', '--data', data, '--gpus', '2', '--set', 'cutoff_len=1024', '--json']);
    expect(preview.code).toBe(0);
    // The prefix data is over 1024 tokens: a warning, not a refusal (mask_history keeps the last turn).
    expect(preview.stderr).toMatch(/^warning: The longest sample is about \d+ tokens, over cutoff_len 1024/);
    const config = lastJson(preview.stdout) as { values: Record<string, unknown>; files: Record<string, string>; env: Record<string, string>; steps: number };
    expect(config.values).toMatchObject({ dataset: 'counsel', template: 'deepseek', model_name_or_path: 'deepseek-ai/deepseek-llm-7b-chat', cutoff_len: 1024, mask_history: true });
    expect(yaml.load(config.files['train.yaml']!)).toEqual(config.values);
    expect(config.env).toEqual({ FORCE_TORCHRUN: '1', CUDA_VISIBLE_DEVICES: '0,1' });
    expect(config.steps).toBe(4); // 9 training samples over 2 GPUs: 5 batches, 2 steps an epoch, 2 epochs

    const out = join(dir, 'job');
    const written = await simpsy(['finetune', 'config', '--base', 'qwen2-7b-instruct', '--data', data, '--out', out]);
    expect(written.code).toBe(0);
    expect(written.stdout).toMatch(/^==> train\.yaml <==\n# LLaMA-Factory training configuration/);
    expect(written.stdout).toMatch(/launch: FORCE_TORCHRUN=1 CUDA_VISIBLE_DEVICES=0,1,2,3 llamafactory-cli train train\.yaml/);
    expect(readFileSync(join(out, 'train.yaml'), 'utf8')).toMatch(/^learning_rate: 0\.00001$/m);
    expect(JSON.parse(readFileSync(join(out, 'ds_z3_config.json'), 'utf8'))).toMatchObject({ zero_optimization: { stage: 3 } });
    const again = await simpsy(['finetune', 'config', '--base', 'qwen2-7b-instruct', '--out', out]);
    expect(again).toMatchObject({ code: 1 });
    expect(again.stderr).toMatch(/train\.yaml already exists; nothing was written/);

    for (const [args, message] of [
      [['sft', 'export', join(dir, 'x.json')], /Say which runs to export: --runs 3/],
      [['sft', 'export', join(dir, 'x.json'), '--runs', '9'], /Run 9 does not exist; the runs are 1/],
      [['sft', 'export', join(dir, 'x.json'), '--runs', '1', '--mode', 'turns'], /--mode must be one of prefix, session, got 'turns'/],
      [['sft', 'export', join(dir, 'x.json'), '--runs', '1', '--system-file', join(dir, 'missing.txt')], /Cannot read --system-file .*missing\.txt \(ENOENT\)/],
      [['sft', 'export', join(dir, 'bad name.json'), '--runs', '1'], /'bad name' cannot name a LLaMA-Factory dataset.*--name/],
      [['finetune', 'config', '--base', 'org/model'], /Name the chat template of org\/model \(--template\)/],
      [['finetune', 'config', '--base', 'qwen2-7b-instruct', '--set', 'learning_rte=1e-5'], /did you mean learning_rate\?/],
      [['finetune', 'config', '--base', 'qwen2-7b-instruct', '--mode', 'session', '--data', data, '--set', 'cutoff_len=1024'], /its later counselor turns would be cut from training; set cutoff_len=\d+ or export in prefix mode/],
    ] as const) {
      const r = await simpsy(['--db', db, ...args]);
      expect(r.code, args.join(' ')).toBe(1);
      expect(r.stderr).toMatch(message);
      expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
    }
    expect(existsSync(join(dir, 'x.json'))).toBe(false);
    writeFileSync(join(dir, 'prompt.txt'), '你是一位温和的咨询师。\n');
    const custom = await simpsy(['--db', db, 'sft', 'export', join(dir, 'custom.json'), '--runs', '1', '--system-file', join(dir, 'prompt.txt'), '--format', 'sharegpt']);
    expect(custom.code).toBe(0);
    expect(llamaFactoryRead(join(dir, 'custom.json'), 'custom').accepted.every((a) => a.system === '你是一位温和的咨询师。')).toBe(true);
  });
});
