import type { Command } from 'commander';
import { runModelsInput, type RunEvent, type RunSummary } from '../contract/simulation';
import { DomainError } from '../common/errors';
import { fieldIssues } from '../common/zod-issues';
import type { RestartOptions } from '../simulation/restart';
import { printJson, table } from './io';
import type { WithContext } from './context';
import { duration, report, runInForeground } from './simulate';

// `simpsy runs …`: list, show, resume, retry, cancel and remove simulation runs (and imported datasets).

const out = (line: string): void => void process.stdout.write(`${line}\n`);
const err = (line: string): void => void process.stderr.write(`${line}\n`);
const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

function runId(raw: string): number {
  if (!/^\d+$/.test(raw) || Number(raw) < 1) throw new DomainError('validation', `A run id is a whole number, got '${raw}'.`);
  return Number(raw);
}

/** `--client-model` / `--counselor-model`, checked as the app checks a model name. */
function modelFlags(o: { clientModel?: string; counselorModel?: string }): RestartOptions['models'] {
  const parsed = runModelsInput.safeParse({ clientModel: o.clientModel, counselorModel: o.counselorModel });
  if (!parsed.success) {
    const issue = fieldIssues(parsed.error)[0]!;
    throw new DomainError('validation', `${issue.path === 'clientModel' ? '--client-model' : '--counselor-model'}: ${issue.message}.`);
  }
  const { clientModel, counselorModel } = parsed.data;
  return { ...(clientModel ? { client: clientModel } : {}), ...(counselorModel ? { counselor: counselorModel } : {}) };
}

/** One line of a run's history, as `runs show` prints it. */
export function historyLine(e: RunEvent): string {
  const at = e.at.slice(0, 19).replace('T', ' ');
  switch (e.kind) {
    case 'resumed':
      return `${at}  resumed (was ${e.from}) in process ${e.pid} on ${e.host}`;
    case 'taken_over':
      return `${at}  taken over in process ${e.pid} on ${e.host} from process ${e.fromPid ?? '?'} on ${e.fromHost ?? '?'} (last heartbeat ${e.heartbeatAt?.slice(0, 19).replace('T', ' ') ?? 'never'})`;
    case 'model_changed':
      return `${at}  ${e.role} model ${e.from} → ${e.to}`;
    case 'base_url_changed':
      return `${at}  ${e.role} base URL ${e.from} → ${e.to}`;
    case 'sessions_retried':
      return `${at}  retried ${plural(e.sessions, 'session')} that ended in error`;
  }
}

const models = (r: RunSummary) => (r.kind === 'import' ? 'imported' : `${r.counselorModel ?? '?'} / ${r.clientModel ?? '?'}`);

export function runsCommand(program: Command, withContext: WithContext): void {
  const runs = program.command('runs').description('Simulation runs: list, show, resume, retry, cancel, remove');

  runs
    .command('list')
    .description('List runs and imported datasets, oldest first')
    .option('--json', 'print a JSON array')
    .action((o: { json?: boolean }) =>
      withContext((ctx) => {
        const list = ctx.simulation.runs();
        if (o.json) return printJson(list);
        if (list.length === 0) {
          out('No runs yet. Start one: simpsy simulate --client ENDPOINT --counselor ENDPOINT');
          return;
        }
        out(
          table(
            ['ID', 'STATUS', 'SESSIONS', 'DONE', 'FAILED', 'COUNSELOR / CLIENT', 'COST', 'CREATED', 'TITLE'],
            list.map((r) => [String(r.id), r.status, String(r.sessions), String(r.completed), String(r.failed), models(r), `$${r.cost.toFixed(4)}`, r.createdAt.slice(0, 16).replace('T', ' '), r.title]),
          ),
        );
      }),
    );

  runs
    .command('show')
    .description('Show a run: its settings, progress, tokens, cost and errors')
    .argument('<id>', 'run id')
    .option('--json', 'print JSON (the run, its config snapshot and its dashboard)')
    .action((id: string, o: { json?: boolean }) =>
      withContext((ctx) => {
        const d = ctx.simulation.detail(runId(id));
        if (o.json) return printJson(d);
        const b = d.dashboard;
        out(`Run ${d.id}: ${d.title}`);
        out(`  status      ${d.status}${d.error ? ` (${d.error})` : ''}`);
        if (d.owner) out(`  running in  ${d.owner}`);
        if (d.config && d.kind === 'simulation') {
          const c = d.config;
          out(`  counselor   ${c.counselor.endpointName}: ${c.counselor.model}, temperature ${c.counselor.temperature ?? '-'}, top_p ${c.counselor.topP ?? '-'}, template ${c.counselor.templateName}`);
          out(`  client      ${c.client.endpointName}: ${c.client.model}, temperature ${c.client.temperature ?? '-'}, top_p ${c.client.topP ?? '-'}, template ${c.client.templateName}`);
          out(`  settings    ${c.language}, opener ${JSON.stringify(c.opener)}, at most ${c.maxTurns} turns, ${c.repeat} per card, concurrency ${c.concurrency}`);
          out(`  refinement  at most ${c.refinement.maxLength} characters${c.refinement.forbidNewlines ? ', no line breaks' : ''}${c.refinement.forbidEnumeration ? ', no enumerations' : ''}, ${c.refinement.maxAttempts} attempts`);
          out(`  termination ${c.termination.phrases.join(' / ')}`);
        }
        out(`  sessions    ${b.sessions.total}: ${b.sessions.completed} completed, ${b.sessions.failed} failed, ${b.sessions.cancelled} cancelled, ${b.sessions.running} running, ${b.sessions.pending} pending`);
        out(`  endings     ${Object.entries(b.endReasons).filter(([, n]) => n > 0).map(([k, n]) => `${k} ${n}`).join(', ') || '-'}`);
        out(`  calls       ${b.calls} (${b.rejectedAttempts} refused by refinement), ${b.callsPerMinute} in the last minute`);
        out(`  tokens      ${b.tokens.prompt} prompt (${b.tokens.cached} cached), ${b.tokens.completion} completion; cost $${b.cost.toFixed(4)}`);
        const errors = Object.entries(b.errorsByKind);
        if (errors.length) out(`  errors      ${errors.map(([k, n]) => `${k} ${n}`).join(', ')}`);
        if (b.averageTurns !== null) out(`  turns       ${b.averageTurns} on average`);
        if (b.etaMs !== null) out(`  ETA         ${duration(b.etaMs)}`);
        d.history.forEach((e, i) => out(`  ${i === 0 ? 'history' : '       '}     ${historyLine(e)}`));
      }),
    );

  runs
    .command('resume')
    .description('Continue a paused or failed run from its last saved turns (a failed run retries its sessions that ended in error too)')
    .argument('<id>', 'run id')
    .option('--client-model <model>', "use this model for the client from now on (recorded in the run's history)")
    .option('--counselor-model <model>', "use this model for the counselor from now on (recorded in the run's history)")
    .option('--json', 'print the outcome as one JSON line on stdout')
    .action((id: string, o: { json?: boolean; clientModel?: string; counselorModel?: string }) =>
      withContext(async (ctx) => {
        const n = runId(id);
        const models = modelFlags(o);
        const before = ctx.simulation.summary(n);
        const errored = before.status === 'failed' ? ctx.simulation.dashboard(n).endReasons.error : 0;
        const announce = () => {
          if (!o.json) err(`Resuming run ${n}: ${plural(before.unfinished, 'unfinished session')}${errored ? `, ${errored} that ended in error` : ''}.`);
        };
        report(ctx, await runInForeground(ctx, n, { restart: { models }, announce }), o.json === true);
      }),
    );

  runs
    .command('retry')
    .description('Send the sessions that ended in error back to work, each from its last saved turn (no completed call is made again)')
    .argument('<id>', 'run id')
    .option('--json', 'print the outcome as one JSON line on stdout')
    .action((id: string, o: { json?: boolean }) =>
      withContext(async (ctx) => {
        const n = runId(id);
        const errored = ctx.simulation.dashboard(n).endReasons.error;
        const announce = () => {
          if (!o.json) err(`Retrying ${plural(errored, 'session')} of run ${n} that ended in error.`);
        };
        report(ctx, await runInForeground(ctx, n, { restart: { retryErrors: true }, announce }), o.json === true);
      }),
    );

  runs
    .command('cancel')
    .description('Cancel a run: unfinished sessions end as cancelled')
    .argument('<id>', 'run id')
    .action((id: string) =>
      withContext((ctx) => {
        const s = ctx.simulation.cancel(runId(id));
        if (s.status === 'cancelled') out(`Cancelled run ${s.id}: ${s.completed} completed, ${s.failed} failed, ${s.cancelled} cancelled.`);
        else if (s.status === 'running') out(`Asked run ${s.id} to cancel; the process running it stops before its next call.`);
        else out(`Run ${s.id} is ${s.status}; nothing to cancel.`);
      }),
    );

  runs
    .command('remove')
    .description('Delete a run (or imported dataset) with its dialogues')
    .argument('<id>', 'run id')
    .action((id: string) =>
      withContext((ctx) => {
        ctx.simulation.remove(runId(id));
        out(`Removed run ${id}.`);
      }),
    );
}
