import type { Command } from 'commander';
import { resolve } from 'node:path';
import type { AppContext } from '../app/context';
import { exportBattles, type BattleFormat } from '../arena/export';
import type { PromptVersion } from '../arena/supervisor';
import type { ArenaStartInput, ArenaSummary, Pairing } from '../arena/types';
import { cardLanguages, type CardLanguage } from '../contract/role-card';
import { DomainError } from '../common/errors';
import { parsePhraseList } from '../simulation/resources';
import type { WithContext } from './context';
import { bar, printJson, readText, table, whole, withSignals } from './io';

// `simpsy arena`: counselors compete turn by turn (Algorithm 2), judged by an LLM
// supervisor; `simpsy battles export`: the battles as Chatbot Arena JSONL or DPO pairs.
// A run executes here with a progress line on stderr; Ctrl-C pauses it (calls in flight
// finish and are saved, a second Ctrl-C abandons them) and `simpsy arena resume ID` goes on.

const out = (line: string): void => void process.stdout.write(`${line}\n`);
const err = (line: string): void => void process.stderr.write(`${line}\n`);

function arenaId(raw: string): number {
  return whole('ARENA', raw)!;
}

function oneOf<T extends string>(flag: string, raw: string | undefined, allowed: readonly T[]): T | undefined {
  if (raw === undefined) return undefined;
  if (!(allowed as readonly string[]).includes(raw)) throw new DomainError('validation', `${flag} must be ${allowed.join(', ')}; got '${raw}'.`);
  return raw as T;
}

interface RunFlags {
  counselors: string;
  client: string;
  judge: string;
  clientModel?: string;
  judgeModel?: string;
  prompt?: string;
  judgeTemplate?: string;
  swapCheck?: boolean;
  judgeAttempts?: string;
  cards?: string;
  limit?: string;
  pairs?: string;
  seed?: string;
  maxTurns?: string;
  concurrency?: string;
  lang?: string;
  opener?: string;
  termination?: string;
  rpm?: string;
  tpm?: string;
  timeout?: string;
  maxRetries?: string;
  stream: boolean;
  title?: string;
  json?: boolean;
}

function startInput(ctx: AppContext, o: RunFlags): ArenaStartInput {
  const names = o.counselors.split(',').map((s) => s.trim()).filter(Boolean);
  if (names.length < 2) throw new DomainError('validation', `--counselors takes two or more counselor names like A,B,C; got '${o.counselors}'.`);
  let cards: ArenaStartInput['cards'];
  if (o.cards === undefined || o.cards === 'test') cards = { split: 'test' };
  else if (o.cards === 'all') cards = {};
  else if (o.cards === 'pool') cards = { split: 'pool' };
  else {
    const ids = o.cards.split(',').map((s) => s.trim());
    if (!ids.every((s) => /^\d+$/.test(s) && Number(s) > 0)) throw new DomainError('validation', `--cards takes test, pool, all or card ids like 3,7,12; got '${o.cards}'.`);
    cards = { ids: ids.map(Number) };
  }
  const limit = whole('--limit', o.limit);
  if (limit !== undefined) cards = { ...cards, limit };
  const prompt = oneOf('--prompt', o.prompt, ['1', '2'] as const);
  return {
    ...(o.title ? { title: o.title } : {}),
    language: oneOf('--lang', o.lang, cardLanguages) as CardLanguage | undefined,
    counselors: names,
    client: { endpointId: ctx.endpoints.getByName(o.client).id, ...(o.clientModel ? { model: o.clientModel } : {}) },
    judge: { endpointId: ctx.endpoints.getByName(o.judge).id, ...(o.judgeModel ? { model: o.judgeModel } : {}) },
    ...(prompt ? { prompt: Number(prompt) as PromptVersion } : {}),
    ...(o.judgeTemplate ? { judgeTemplate: readText('--judge-template', o.judgeTemplate).replace(/\r\n/g, '\n').replace(/\n+$/, '') } : {}),
    swapCheck: o.swapCheck === true,
    judgeAttempts: whole('--judge-attempts', o.judgeAttempts),
    cards,
    pairing: oneOf('--pairs', o.pairs, ['round-robin', 'all', 'random'] as const) as Pairing | undefined,
    seed: whole('--seed', o.seed, 0),
    maxTurns: whole('--max-turns', o.maxTurns),
    concurrency: whole('--concurrency', o.concurrency),
    ...(o.opener !== undefined ? { opener: o.opener } : {}),
    ...(o.termination !== undefined ? { terminationPhrases: parsePhraseList(readText('--termination', o.termination)) } : {}),
    rpm: whole('--rpm', o.rpm),
    tpm: whole('--tpm', o.tpm),
    timeoutMs: whole('--timeout', o.timeout, 100),
    maxRetries: whole('--max-retries', o.maxRetries, 0),
    stream: o.stream,
  };
}

function progressLine(s: ArenaSummary): string {
  return [
    `arena ${s.id} ${bar(s.ended, s.sessions)} ${s.ended}/${s.sessions} sessions`,
    `${s.battles} battles`,
    ...(s.failedJudgments ? [`${s.failedJudgments} failed judgments`] : []),
    `${s.calls} calls`,
    ...(s.cost > 0 ? [`$${s.cost.toFixed(4)}`] : []),
  ].join(' · ');
}

/** Executes an arena here until it ends or is interrupted; prints the outcome and sets the exit code. */
async function runHere(ctx: AppContext, id: number, json: boolean): Promise<void> {
  const execution = ctx.arena.execute(id);
  const tty = process.stderr.isTTY === true;
  let drawnAt = 0;
  const draw = (final = false) => {
    if (json && !tty) return;
    const line = progressLine(ctx.arena.summary(id));
    if (tty) process.stderr.write(`\r\x1b[K${line}${final ? '\n' : ''}`);
    else if (final || Date.now() - drawnAt >= 2000) {
      err(line);
      drawnAt = Date.now();
    }
  };
  const timer = setInterval(() => draw(), tty ? 200 : 500);
  let interrupted = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (!interrupted && signal === 'SIGINT') {
      err(`${tty ? '\n' : ''}Pausing: letting the calls in flight finish and save (Ctrl-C again to stop at once)…`);
      ctx.arena.pause(id);
    } else {
      ctx.runner.cancel(ctx.arena.store.arena(id).job_id!);
    }
    interrupted = true;
  };
  try {
    await withSignals(onSignal, () => execution);
  } finally {
    clearInterval(timer);
  }
  draw(true);
  const s = ctx.arena.summary(id);
  if (json) out(JSON.stringify({ arenaId: s.id, status: s.status, sessions: s.sessions, battles: s.battles, failedJudgments: s.failedJudgments, ties: s.ties, positionBias: s.positionBias, error: s.error }));
  else out(describe(s));
  if (s.status === 'paused') {
    err(`Arena ${s.id} is paused. Resume it with: simpsy arena resume ${s.id}`);
    process.exitCode = interrupted ? 130 : 1;
  } else if (s.status === 'failed') {
    err(`simpsy: ${(s.error ?? 'the arena failed').replace(/\s*\n\s*/g, ' ')} (simpsy arena resume ${s.id})`);
    process.exitCode = 1;
  } else if (s.status !== 'done') {
    process.exitCode = 1;
  }
}

function describe(s: ArenaSummary): string {
  const reasons = Object.entries(s.endReasons).map(([k, n]) => `${n} ${k}`).join(', ');
  const bias = s.positionBias.rate === null ? '' : ` Swap check: ${s.positionBias.inconsistent} of ${s.positionBias.checked} verdicts changed with the order (position bias ${(100 * s.positionBias.rate).toFixed(1)}%).`;
  return `Arena ${s.id} ${s.status}: ${s.sessions} sessions (${reasons || 'none ended'}), ${s.battles} battles, ${s.failedJudgments} failed judgments, ${s.ties} ties.${bias}`;
}

export function arenaCommand(program: Command, withContext: WithContext): void {
  const arena = program.command('arena').description('Counselors compete turn by turn for an AI client, judged by an LLM supervisor (paper §5.3, Algorithm 2)');

  arena
    .command('run')
    .description('Create an arena run and execute it here')
    .requiredOption('--counselors <names>', 'two or more counselors, like A,B,C (see simpsy counselors list)')
    .requiredOption('--client <endpoint>', 'endpoint playing the client (Figure 7 prompt with a role card)')
    .requiredOption('--judge <endpoint>', 'endpoint playing the supervisor')
    .option('--client-model <model>', 'override the client endpoint\'s model')
    .option('--judge-model <model>', 'override the judge endpoint\'s model')
    .option('--prompt <1|2>', 'the supervisor prompt: 1 (Figure 12) or 2 (Figure 13, default)')
    .option('--judge-template <file>', 'the supervisor prompt from a file, with {dialogue_history} and {shuffled_candidates}')
    .option('--swap-check', 'judge every battle twice with the order swapped; a verdict that changes counts as a tie')
    .option('--judge-attempts <n>', 'judge calls per verdict before it is recorded as failed (default 3)')
    .option('--cards <which>', 'test (default: the held-out cards), pool, all or card ids like 3,7,12')
    .option('--limit <n>', 'the first N of those cards')
    .option('--pairs <how>', 'round-robin (default: card k plays pair k mod P), all (every card every pair) or random')
    .option('--seed <n>', 'seed of the random pairs and of every battle\'s A/B order (default 0)')
    .option('--max-turns <t>', 'most counselor turns per session (default 20)')
    .option('--concurrency <c>', 'model calls at once (default 8)')
    .option('--lang <zh|en>', 'language of prompts, opener and termination phrases (default zh)')
    .option('--opener <text>', 'the client\'s first utterance (default 你好 / Hello)')
    .option('--termination <file>', 'termination phrases, one a line (default: paper Table 2)')
    .option('--rpm <n>', 'requests per minute, per endpoint')
    .option('--tpm <n>', 'tokens per minute, per endpoint')
    .option('--timeout <ms>', 'per-call timeout in milliseconds')
    .option('--max-retries <n>', 'retries per call on 429, 5xx, timeouts and dropped connections (default 6)')
    .option('--no-stream', 'ask for whole answers instead of streamed ones')
    .option('--title <text>', 'a title for the arena')
    .option('--json', 'print the outcome as one JSON line on stdout')
    .action((o: RunFlags) =>
      withContext(async (ctx) => {
        const created = ctx.arena.create(startInput(ctx, o));
        if (!o.json) err(`Arena ${created.id}: ${created.sessions} sessions (${created.title}). Ctrl-C pauses; resume with: simpsy arena resume ${created.id}`);
        await runHere(ctx, created.id, o.json === true);
      }),
    );

  arena
    .command('list')
    .description('List arena runs')
    .option('--json', 'as JSON')
    .action((o: { json?: boolean }) =>
      withContext((ctx) => {
        const all = ctx.arena.list();
        if (o.json) return printJson(all);
        if (all.length === 0) return out('No arena runs yet. Start one with: simpsy arena run --counselors A,B --client ENDPOINT --judge ENDPOINT');
        out(table(['id', 'status', 'counselors', 'judge', 'sessions', 'battles', 'failed', 'created'], all.map((s) => [String(s.id), s.status, s.counselors.join(','), s.judge, `${s.ended}/${s.sessions}`, String(s.battles), String(s.failedJudgments), s.createdAt.slice(0, 19)])));
      }),
    );

  arena
    .command('show')
    .description('Show an arena run: outcome, position bias, cost')
    .argument('<id>')
    .option('--json', 'as JSON')
    .action((raw: string, o: { json?: boolean }) =>
      withContext((ctx) => {
        const s = ctx.arena.summary(arenaId(raw));
        if (o.json) return printJson(s);
        out(`${s.title}`);
        out(describe(s));
        if (s.firstPositionRate !== null) out(`The reply shown as A won ${(100 * s.firstPositionRate).toFixed(1)}% of decided battles.`);
        out(`${s.calls} calls, ${s.promptTokens + s.completionTokens} tokens, $${s.cost.toFixed(4)}.${s.error ? ` Error: ${s.error}` : ''}`);
      }),
    );

  arena
    .command('resume')
    .description('Resume a paused or failed arena here, without repeating a completed call')
    .argument('<id>')
    .option('--json', 'print the outcome as one JSON line on stdout')
    .action((raw: string, o: { json?: boolean }) => withContext((ctx) => runHere(ctx, arenaId(raw), o.json === true)));

  arena
    .command('cancel')
    .description('Cancel an arena wherever it runs; its unfinished sessions end as cancelled')
    .argument('<id>')
    .action((raw: string) =>
      withContext((ctx) => {
        const s = ctx.arena.cancel(arenaId(raw));
        const what = s.status === 'cancelled' ? 'cancelled' : s.status === 'done' ? 'is finished; there was nothing to cancel' : 'is being cancelled where it runs';
        out(`Arena ${s.id} ${what}.`);
      }),
    );

  program
    .command('battles')
    .description('Battles of the arena')
    .command('export')
    .description('Export an arena\'s battles as JSONL: Chatbot Arena\'s shape (arena) or preference pairs (dpo)')
    .argument('<file>')
    .requiredOption('--arena <id>', 'the arena run')
    .option('--format <format>', 'arena (default) or dpo', 'arena')
    .option('--force', 'replace an existing file; a SQLite file is never replaced')
    .action((file: string, o: { arena: string; format: string; force?: boolean }) =>
      withContext((ctx) => {
        const format = oneOf<BattleFormat>('--format', o.format, ['arena', 'dpo'])!;
        const n = exportBattles(ctx.arena.store, arenaId(o.arena), resolve(file), format, { overwrite: o.force === true, protect: [ctx.dbPath] });
        out(`${n} ${format === 'dpo' ? 'preference pairs' : 'battles'} written to ${resolve(file)}.`);
      }),
    );
}
