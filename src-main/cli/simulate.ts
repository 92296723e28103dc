import type { Command } from 'commander';
import type { AppContext } from '../app/context';
import { cardLanguages, splits, type CardLanguage, type Split } from '../contract/role-card';
import { runStartInput, type RunDashboard, type RunStartInput, type RunSummary } from '../contract/simulation';
import { DomainError } from '../common/errors';
import { fieldIssues } from '../common/zod-issues';
import { parsePhraseList } from '../simulation/resources';
import type { RestartOptions } from '../simulation/restart';
import type { WithContext } from './context';
import { bar, readText, whole, withSignals } from './io';

// `simpsy simulate`: create a run and execute it here, with a progress bar on stderr.
// Ctrl-C pauses cleanly (calls in flight finish and are saved; a second Ctrl-C abandons
// them) and leaves the run resumable with `simpsy runs resume ID`.

const out = (line: string): void => void process.stdout.write(`${line}\n`);
const err = (line: string): void => void process.stderr.write(`${line}\n`);

function decimal(flag: string, raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(n)) throw new DomainError('validation', `${flag} must be a number, got '${raw}'.`);
  return n;
}

/** `pool`, `test`, `all` or a list of ids. */
function cardsFlag(raw: string | undefined): RunStartInput['cards'] {
  if (raw === undefined || raw === 'all') return {};
  if ((splits as readonly string[]).includes(raw)) return { split: raw as Split };
  const ids = raw.split(',').map((s) => s.trim()).filter(Boolean);
  if (ids.length === 0 || !ids.every((s) => /^\d+$/.test(s) && Number(s) > 0)) {
    throw new DomainError('validation', `--cards takes pool, test, all or card ids like 3,7,12; got '${raw}'.`);
  }
  return { ids: ids.map(Number) };
}

// Field path → the flag a CLI user typed, so validation errors point at the flag.
const flagOf: Record<string, string> = {
  concurrency: '--concurrency',
  maxTurns: '--max-turns',
  repeat: '--repeat',
  opener: '--opener',
  timeoutMs: '--timeout',
  maxRetries: '--max-retries',
  'refinement.maxAttempts': '--max-attempts',
  'refinement.maxLength': '--max-length',
  'client.temperature': '--client-temperature',
  'counselor.temperature': '--counselor-temperature',
  'client.topP': '--client-top-p',
  'counselor.topP': '--counselor-top-p',
  'client.maxTokens': '--client-max-tokens',
  'counselor.maxTokens': '--counselor-max-tokens',
  'cards.limit': '--limit',
  'cards.sample': '--sample',
  'rateLimits.0.rpm': '--rpm',
  'rateLimits.0.tpm': '--tpm',
  terminationPhrases: '--termination',
};

interface SimulateFlags {
  client: string;
  counselor: string;
  cards?: string;
  tag?: string[];
  limit?: string;
  sample?: string;
  seed?: string;
  repeat?: string;
  concurrency?: string;
  maxTurns?: string;
  lang?: string;
  opener?: string;
  rpm?: string;
  tpm?: string;
  timeout?: string;
  maxRetries?: string;
  maxAttempts?: string;
  maxLength?: string;
  refineClient?: boolean;
  clientModel?: string;
  counselorModel?: string;
  clientTemperature?: string;
  counselorTemperature?: string;
  clientTopP?: string;
  counselorTopP?: string;
  clientMaxTokens?: string;
  counselorMaxTokens?: string;
  clientTemplate?: string;
  counselorTemplate?: string;
  termination?: string;
  stream: boolean;
  title?: string;
  json?: boolean;
}

function startInput(ctx: AppContext, o: SimulateFlags): RunStartInput {
  const client = ctx.endpoints.getByName(o.client);
  const counselor = ctx.endpoints.getByName(o.counselor);
  if (o.lang !== undefined && !(cardLanguages as readonly string[]).includes(o.lang)) {
    throw new DomainError('validation', `--lang must be zh or en, got '${o.lang}'.`);
  }
  const template = (flag: string, raw: string | undefined) =>
    raw === undefined ? {} : raw === 'default' || raw === 'released' ? { templateName: raw } : { templateText: readText(flag, raw) };
  const rpm = whole('--rpm', o.rpm);
  const tpm = whole('--tpm', o.tpm);
  const selection = cardsFlag(o.cards);
  const raw = {
    title: o.title,
    language: o.lang as CardLanguage | undefined,
    cards: {
      ...selection,
      ...(o.tag?.length ? { tags: o.tag } : {}),
      limit: whole('--limit', o.limit),
      sample: whole('--sample', o.sample),
      seed: whole('--seed', o.seed, 0),
    },
    repeat: whole('--repeat', o.repeat),
    concurrency: whole('--concurrency', o.concurrency),
    maxTurns: whole('--max-turns', o.maxTurns),
    opener: o.opener,
    client: {
      endpointId: client.id,
      model: o.clientModel,
      temperature: decimal('--client-temperature', o.clientTemperature),
      topP: decimal('--client-top-p', o.clientTopP),
      maxTokens: whole('--client-max-tokens', o.clientMaxTokens),
      ...template('--client-template', o.clientTemplate),
    },
    counselor: {
      endpointId: counselor.id,
      model: o.counselorModel,
      temperature: decimal('--counselor-temperature', o.counselorTemperature),
      topP: decimal('--counselor-top-p', o.counselorTopP),
      maxTokens: whole('--counselor-max-tokens', o.counselorMaxTokens),
      ...template('--counselor-template', o.counselorTemplate),
    },
    terminationPhrases: o.termination === undefined ? undefined : parsePhraseList(readText('--termination', o.termination)),
    refinement: { maxAttempts: whole('--max-attempts', o.maxAttempts), maxLength: whole('--max-length', o.maxLength), applyToClient: o.refineClient },
    rateLimits: rpm || tpm ? [...new Set([client.id, counselor.id])].map((endpointId) => ({ endpointId, rpm, tpm })) : undefined,
    timeoutMs: whole('--timeout', o.timeout, 100),
    maxRetries: whole('--max-retries', o.maxRetries, 0),
    stream: o.stream,
  };
  const parsed = runStartInput.safeParse(JSON.parse(JSON.stringify(raw)));
  if (!parsed.success) {
    const issue = fieldIssues(parsed.error)[0]!;
    throw new DomainError('validation', `${flagOf[issue.path] ?? issue.path}: ${issue.message}.`);
  }
  return parsed.data;
}

// ---------------------------------------------------------------------------------------
// Progress and the foreground execution, shared with `simpsy runs resume`.

export function duration(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}

const compact = (n: number) => (n >= 1e6 ? `${(n / 1e6).toFixed(1)}M` : n >= 1e4 ? `${(n / 1e3).toFixed(1)}k` : String(n));

export function progressLine(d: RunDashboard): string {
  const ended = d.sessions.completed + d.sessions.failed + d.sessions.cancelled;
  const parts = [
    `run ${d.runId} ${bar(ended, d.sessions.total)} ${ended}/${d.sessions.total}`,
    `${d.sessions.running} running`,
    ...(d.sessions.failed ? [`${d.sessions.failed} failed`] : []),
    `${d.calls} calls (${d.callsPerMinute}/min)`,
    `${compact(d.tokens.prompt + d.tokens.completion)} tokens`,
    ...(d.cost > 0 ? [`$${d.cost.toFixed(4)}`] : []),
    ...(Object.keys(d.errorsByKind).length ? [`${Object.values(d.errorsByKind).reduce((a, b) => a + b, 0)} errors`] : []),
    ...(d.etaMs !== null ? [`ETA ${duration(d.etaMs)}`] : []),
  ];
  return parts.join(' · ');
}

export interface ForegroundResult {
  summary: RunSummary;
  interrupted: boolean;
}

export interface ForegroundOptions {
  quiet?: boolean;
  /** Models to switch to, errored sessions to retry (resume and retry). */
  restart?: RestartOptions;
  /** Called once this process has claimed the run, before any call (a loser of a race prints only its error). */
  announce?: () => void;
}

/** Executes a run here until it ends or is interrupted, drawing progress on stderr. */
export async function runInForeground(ctx: AppContext, runId: number, options: ForegroundOptions = {}): Promise<ForegroundResult> {
  // Throws at once, before any call, when the run cannot start here (another process has it…).
  const execution = ctx.simulation.execute(runId, options.restart ?? {});
  options.announce?.();
  const tty = process.stderr.isTTY === true;
  let lastDrawn = '';
  let lastPrinted = 0;
  const draw = (final = false) => {
    if (options.quiet) return;
    let line: string;
    try {
      line = progressLine(ctx.simulation.dashboard(runId));
    } catch {
      return;
    }
    if (tty) {
      process.stderr.write(`\r\x1b[K${line}${final ? '\n' : ''}`);
    } else if (final || (line !== lastDrawn && Date.now() - lastPrinted >= 2000)) {
      err(line);
      lastPrinted = Date.now();
    }
    lastDrawn = line;
  };
  const timer = setInterval(() => draw(), tty ? 200 : 500);
  let interrupted = false;
  let signals = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    interrupted = true;
    signals++;
    if (signal === 'SIGINT' && signals === 1) {
      if (tty) process.stderr.write('\n');
      err('Pausing: letting the calls in flight finish and save (Ctrl-C again to stop at once)…');
      try {
        ctx.simulation.pause(runId);
      } catch {
        ctx.simulation.stopNow(runId);
      }
    } else {
      ctx.simulation.stopNow(runId);
    }
  };
  try {
    await withSignals(onSignal, () => execution);
  } finally {
    clearInterval(timer);
  }
  draw(true);
  return { summary: ctx.simulation.summary(runId), interrupted };
}

/** What `--json` prints as the last stdout line. */
export function resultObject(ctx: AppContext, s: RunSummary) {
  const d = ctx.simulation.dashboard(s.id);
  return {
    runId: s.id,
    jobId: s.jobId,
    status: s.status,
    sessions: s.sessions,
    completed: s.completed,
    failed: s.failed,
    cancelled: s.cancelled,
    unfinished: s.unfinished,
    endReasons: d.endReasons,
    calls: s.calls,
    rejectedAttempts: d.rejectedAttempts,
    errorsByKind: d.errorsByKind,
    promptTokens: s.promptTokens,
    completionTokens: s.completionTokens,
    cachedTokens: s.cachedTokens,
    cost: s.cost,
    error: s.error,
  };
}

/** Prints the outcome; sets the exit code: 0 done, 130 interrupted (paused), 1 failed, paused from elsewhere or taken over. */
export function report(ctx: AppContext, result: ForegroundResult, json: boolean): void {
  const s = result.summary;
  if (json) out(JSON.stringify(resultObject(ctx, s)));
  else {
    out(`Run ${s.id} ${s.status}: ${s.sessions} sessions, ${s.completed} completed, ${s.failed} failed${s.cancelled ? `, ${s.cancelled} cancelled` : ''}${s.unfinished ? `, ${s.unfinished} unfinished` : ''}.`);
    out(`${s.calls} calls, ${s.promptTokens + s.completionTokens} tokens (${s.promptTokens} prompt, ${s.completionTokens} completion, ${s.cachedTokens} cached), $${s.cost.toFixed(4)}.`);
  }
  if (s.status === 'paused') {
    err(`Run ${s.id} is paused. Resume it with: simpsy runs resume ${s.id}`);
    process.exitCode = result.interrupted ? 130 : 1;
  } else if (s.status === 'running') {
    // This process looked dead (suspended past the lease) and another one took the run over.
    const owner = s.jobId === null ? null : ctx.jobs.describeOwner(s.jobId);
    err(`simpsy: run ${s.id} was taken over by ${owner ?? 'another process'}; it goes on there.`);
    process.exitCode = 1;
  } else if (s.status === 'failed') {
    // An unknown model is fixed on the run itself (recorded in its history), not only on the endpoint.
    const modelFlags = ctx.simulation.dashboard(s.id).errorsByKind.model_not_found ? ' --client-model M --counselor-model M' : '';
    err(`simpsy: ${(s.error ?? 'the run failed').replace(/\s*\n\s*/g, ' ')} (simpsy runs resume ${s.id}${modelFlags})`);
    process.exitCode = 1;
  }
}

export function simulateCommand(program: Command, withContext: WithContext): void {
  program
    .command('simulate')
    .description('Simulate counseling sessions between a client agent and a counselor agent (paper §3), saving every turn as it comes')
    .requiredOption('--client <endpoint>', 'endpoint playing the client (Figure 7 prompt with a role card)')
    .requiredOption('--counselor <endpoint>', 'endpoint playing the counselor (Figure 9 prompt)')
    .option('--cards <which>', 'pool, test, all (default) or card ids like 3,7,12')
    .option('--tag <tag>', 'only cards with this tag (repeat for several)', (v: string, prev: string[] = []) => [...prev, v])
    .option('--limit <n>', 'the first N matching cards')
    .option('--sample <n>', 'a random sample of N matching cards')
    .option('--seed <n>', 'seed for --sample (default 0)')
    .option('--repeat <r>', 'sessions per card (default 1)')
    .option('--concurrency <c>', 'sessions at once (default 8)')
    .option('--max-turns <t>', 'most counselor turns per session (default 50)')
    .option('--lang <zh|en>', 'language of templates, opener and termination phrases (default zh)')
    .option('--opener <text>', 'the client\'s first utterance (default 你好 / Hello)')
    .option('--rpm <n>', 'requests per minute, per endpoint')
    .option('--tpm <n>', 'tokens per minute, per endpoint')
    .option('--timeout <ms>', 'per-call timeout in milliseconds')
    .option('--max-retries <n>', 'retries per call on 429, 5xx, timeouts and dropped connections (default 6)')
    .option('--max-attempts <n>', 'counselor replies asked per turn before the session ends as refinement failed (default 3)')
    .option('--max-length <n>', 'longest accepted counselor reply, in characters (default 200)')
    .option('--refine-client', 'apply the refinement rules to the client too (the paper does not)')
    .option('--client-model <model>', 'override the client endpoint\'s model')
    .option('--counselor-model <model>', 'override the counselor endpoint\'s model')
    .option('--client-temperature <t>')
    .option('--counselor-temperature <t>')
    .option('--client-top-p <p>')
    .option('--counselor-top-p <p>')
    .option('--client-max-tokens <n>')
    .option('--counselor-max-tokens <n>')
    .option('--client-template <file>', 'client prompt template file, with {role_card}')
    .option('--counselor-template <which>', 'default, released (the paper\'s released data) or a template file')
    .option('--termination <file>', 'termination phrases, one a line (default: paper Table 2)')
    .option('--no-stream', 'ask for whole answers instead of streamed ones')
    .option('--title <text>', 'a title for the run')
    .option('--json', 'print the outcome as one JSON line on stdout')
    .action((o: SimulateFlags) =>
      withContext(async (ctx) => {
        const created = await ctx.simulation.create(startInput(ctx, o));
        if (!o.json) err(`Run ${created.id}: ${created.sessions} sessions (${created.title}). Ctrl-C pauses; resume with: simpsy runs resume ${created.id}`);
        report(ctx, await runInForeground(ctx, created.id), o.json === true);
      }),
    );
}
