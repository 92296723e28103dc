import type { Command } from 'commander';
import { endpointCreateInput } from '../contract/endpoint';
import { DomainError } from '../common/errors';
import { fieldIssues } from '../common/zod-issues';
import { toView } from '../endpoints/repository';
import { testConnection } from '../endpoints/test-connection';
import { endpointsDetectCommand } from './endpoints-detect';
import { numberFlag, printJson, table } from './io';
import type { WithContext } from './main';

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

export function endpointsCommand(program: Command, withContext: WithContext): void {
  const endpoints = program.command('endpoints').description('Manage OpenAI-compatible model endpoints');
  endpointsDetectCommand(endpoints, withContext);

  endpoints
    .command('add')
    .description('Add an endpoint. API keys are never stored by the CLI: name the environment variable that holds it.')
    .requiredOption('--name <name>', 'a short name, e.g. deepseek')
    .requiredOption('--base-url <url>', 'e.g. https://api.deepseek.com/v1 or http://localhost:8000/v1')
    .requiredOption('--model <model>', 'model name as the server knows it')
    .option('--api-key-env <VAR>', 'environment variable holding the API key')
    .option('--temperature <t>', 'default sampling temperature (0–2)')
    .option('--top-p <p>', 'default top_p (0–1]')
    .option('--max-tokens <n>', 'default maximum completion tokens')
    .option('--price-input <usd>', 'price per million input tokens')
    .option('--price-output <usd>', 'price per million output tokens')
    .option('--timeout <ms>', 'per-call timeout in milliseconds')
    .action((o: Record<string, string | undefined>) =>
      withContext((ctx) => {
        const parsed = endpointCreateInput.safeParse({
          name: o.name,
          baseUrl: o.baseUrl,
          model: o.model,
          apiKeyEnv: o.apiKeyEnv,
          temperature: numberFlag('--temperature', o.temperature),
          topP: numberFlag('--top-p', o.topP),
          maxTokens: numberFlag('--max-tokens', o.maxTokens),
          priceInputPerM: numberFlag('--price-input', o.priceInput),
          priceOutputPerM: numberFlag('--price-output', o.priceOutput),
          timeoutMs: numberFlag('--timeout', o.timeout),
        });
        if (!parsed.success) {
          const issue = fieldIssues(parsed.error)[0]!;
          throw new DomainError('validation', `${flagOf[issue.path] ?? issue.path}: ${issue.message}.`);
        }
        const created = ctx.endpoints.create(parsed.data);
        process.stdout.write(`Added endpoint '${created.name}' (${created.model} at ${created.baseUrl}).\n`);
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
