import type { Command } from 'commander';
import type { z } from 'zod';
import { endpointCreateInput, endpointUpdateInput } from '../contract/endpoint';
import { DomainError } from '../common/errors';
import { fieldIssues } from '../common/zod-issues';
import { toView } from '../endpoints/repository';
import { testConnection } from '../endpoints/test-connection';
import { endpointsDetectCommand } from './endpoints-detect';
import { numberFlag, printJson, table } from './io';
import type { WithContext } from './context';

// Field → the flag a CLI user typed, so validation errors point at the flag.
const flagOf: Record<string, string> = {
  name: '--name',
  baseUrl: '--base-url',
  model: '--model',
  temperature: '--temperature',
  topP: '--top-p',
  maxTokens: '--max-tokens',
  priceInputPerM: '--price-input',
  priceOutputPerM: '--price-output',
  timeoutMs: '--timeout',
  apiKeyEnv: '--api-key-env',
};

const show = (n: number | null) => (n === null ? '-' : String(n));

type Flags = Record<string, string | undefined>;

/** The settings flags `add` and `update` share; `update` can clear an optional one with `none`. */
function settingsOptions(command: Command, update: boolean): Command {
  const clear = update ? '; none clears it' : '';
  return command
    .option('--api-key-env <VAR>', `environment variable holding the API key${clear}`)
    .option('--temperature <t>', `default sampling temperature (0–2)${clear}`)
    .option('--top-p <p>', `default top_p (0–1]${clear}`)
    .option('--max-tokens <n>', `default maximum completion tokens${clear}`)
    .option('--price-input <usd>', `price per million input tokens${clear}`)
    .option('--price-output <usd>', `price per million output tokens${clear}`)
    .option('--timeout <ms>', `per-call timeout in milliseconds${clear}`);
}

/** The flags as input fields; with `clearable`, `none` becomes null (clear the setting). */
function settingsFields(o: Flags, clearable: boolean) {
  const cleared = (raw: string | undefined) => clearable && raw?.trim().toLowerCase() === 'none';
  const num = (flag: string, raw: string | undefined) => (cleared(raw) ? null : numberFlag(flag, raw));
  return {
    apiKeyEnv: cleared(o.apiKeyEnv) ? null : o.apiKeyEnv,
    temperature: num('--temperature', o.temperature),
    topP: num('--top-p', o.topP),
    maxTokens: num('--max-tokens', o.maxTokens),
    priceInputPerM: num('--price-input', o.priceInput),
    priceOutputPerM: num('--price-output', o.priceOutput),
    timeoutMs: num('--timeout', o.timeout),
  };
}

/** Parses with the contract's schema (as the app's form is), naming the flag of the first problem. */
function parseFlags<T>(schema: z.ZodType<T>, input: Record<string, unknown>): T {
  const parsed = schema.safeParse(input);
  if (!parsed.success) {
    const issue = fieldIssues(parsed.error)[0]!;
    throw new DomainError('validation', `${flagOf[issue.path] ?? issue.path}: ${issue.message}.`);
  }
  return parsed.data;
}

export function endpointsCommand(program: Command, withContext: WithContext): void {
  const endpoints = program.command('endpoints').description('Manage OpenAI-compatible model endpoints');
  endpointsDetectCommand(endpoints, withContext);

  settingsOptions(
    endpoints
      .command('add')
      .description('Add an endpoint. API keys are never stored by the CLI: name the environment variable that holds it.')
      .requiredOption('--name <name>', 'a short name, e.g. deepseek')
      .requiredOption('--base-url <url>', 'e.g. https://api.deepseek.com/v1 or http://localhost:8000/v1')
      .requiredOption('--model <model>', 'model name as the server knows it'),
    false,
  ).action((o: Flags) =>
    withContext((ctx) => {
      const input = parseFlags(endpointCreateInput, { name: o.name, baseUrl: o.baseUrl, model: o.model, ...settingsFields(o, false) });
      const created = ctx.endpoints.create(input);
      process.stdout.write(`Added endpoint '${created.name}' (${created.model} at ${created.baseUrl}).\n`);
    }),
  );

  settingsOptions(
    endpoints
      .command('update')
      .description('Change an endpoint: only the settings given change. Runs resumed later use its base URL and key; their model changes only with `runs resume --client-model/--counselor-model`.')
      .argument('<name>', 'endpoint name')
      .option('--name <name>', 'rename it')
      .option('--base-url <url>', 'e.g. https://api.deepseek.com/v1')
      .option('--model <model>', 'model name as the server knows it'),
    true,
  ).action((name: string, o: Flags) =>
    withContext((ctx) => {
      const current = ctx.endpoints.getByName(name);
      const fields = Object.fromEntries(
        Object.entries({ name: o.name, baseUrl: o.baseUrl, model: o.model, ...settingsFields(o, true) }).filter(([, v]) => v !== undefined),
      );
      if (Object.keys(fields).length === 0) {
        throw new DomainError('validation', `Nothing to change: give at least one of ${[...new Set(Object.values(flagOf))].join(', ')}.`);
      }
      const updated = ctx.endpoints.update(parseFlags(endpointUpdateInput, { id: current.id, ...fields }));
      process.stdout.write(`Updated endpoint '${updated.name}' (${updated.model} at ${updated.baseUrl}).\n`);
    }),
  );

  endpoints
    .command('list')
    .description('List endpoints')
    .option('--json', 'print a JSON array')
    .action((o: { json?: boolean }) =>
      withContext((ctx) => {
        const list = ctx.endpoints.list().map(toView);
        if (o.json) return printJson(list);
        if (list.length === 0) {
          process.stdout.write('No endpoints yet. Add one: simpsy endpoints add --name NAME --base-url URL --model MODEL\n');
          return;
        }
        const key = (e: (typeof list)[number]) => (e.hasApiKey ? 'saved in app' : e.apiKeyEnv ? `$${e.apiKeyEnv}` : 'none');
        process.stdout.write(
          `${table(
            ['NAME', 'MODEL', 'BASE URL', 'KEY', 'TEMP', 'TOP_P', 'MAX_TOKENS'],
            list.map((e) => [e.name, e.model, e.baseUrl, key(e), show(e.temperature), show(e.topP), show(e.maxTokens)]),
          )}\n`,
        );
      }),
    );

  endpoints
    .command('test')
    .description('Make one real call to the endpoint and report the latency (exit 0 only if it answered)')
    .argument('<name>', 'endpoint name')
    .action((name: string) =>
      withContext(async (ctx) => {
        const result = await testConnection(ctx.endpoints.getByName(name), ctx.secrets, ctx.env);
        if (!result.ok) throw new DomainError('unavailable', `${name}: ${result.message}`);
        process.stdout.write(`${name}: ok, ${result.model} answered in ${result.latencyMs} ms\n`);
      }),
    );

  endpoints
    .command('remove')
    .description('Remove an endpoint')
    .argument('<name>', 'endpoint name')
    .action((name: string) =>
      withContext((ctx) => {
        ctx.endpoints.remove(ctx.endpoints.getByName(name).id);
        process.stdout.write(`Removed endpoint '${name}'.\n`);
      }),
    );
}
