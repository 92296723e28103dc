import type { Command } from 'commander';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { COUNSELOR_PRESETS, findPreset, type CounselorInput } from '../arena/counselors';
import { DomainError } from '../common/errors';
import type { WithContext } from './context';
import { numberFlag, printJson, table } from './io';

// `simpsy counselors`: the named counselors that compete in the arena.

const flagOf: Record<string, string> = { name: '--name', temperature: '--temperature', topP: '--top-p', maxTokens: '--max-tokens', prompt: '--prompt' };

interface AddFlags {
  name?: string;
  endpoint: string;
  model?: string;
  prompt?: string;
  preset?: string;
  temperature?: string;
  topP?: string;
  maxTokens?: string;
}

function promptOf(raw: string | undefined): Pick<CounselorInput, 'promptName' | 'prompt'> {
  if (raw === undefined || raw === 'default' || raw === 'released') return { promptName: raw ?? 'default' };
  try {
    return { promptName: 'custom', prompt: readFileSync(resolve(raw), 'utf8').replace(/^\uFEFF/, '') };
  } catch (error) {
    throw new DomainError('not_found', `--prompt: cannot read ${raw} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}); give default, released or a prompt file.`);
  }
}

export function counselorsCommand(program: Command, withContext: WithContext): void {
  const counselors = program.command('counselors').description('Named counselors (endpoint, model, prompt, sampling) that compete in the arena');

  counselors
    .command('add')
    .description('Add a counselor')
    .option('--name <name>', 'its name in battles and ratings (default: the preset\'s)')
    .requiredOption('--endpoint <endpoint>', 'the endpoint that serves it')
    .option('--model <model>', 'override the endpoint\'s model')
    .option('--prompt <which>', 'default (paper Figure 9), released (the paper\'s released data) or a prompt file', 'default')
    .option('--preset <name>', `temperature and top_p of the paper's Table 3 (${COUNSELOR_PRESETS.map((p) => p.name).join(', ')})`)
    .option('--temperature <t>', 'sampling temperature (0–2); default the preset\'s, else the endpoint\'s')
    .option('--top-p <p>', 'top_p (0–1]; default the preset\'s, else the endpoint\'s')
    .option('--max-tokens <n>', 'most completion tokens per reply')
    .action((o: AddFlags) =>
      withContext((ctx) => {
        const preset = o.preset === undefined ? null : findPreset(o.preset);
        const name = o.name ?? preset?.name;
        if (!name) throw new DomainError('validation', '--name: give the counselor a name (or a --preset, whose name it then takes).');
        const endpoint = ctx.endpoints.getByName(o.endpoint);
        try {
          const added = ctx.arena.counselors.create({
            name,
            endpointId: endpoint.id,
            model: o.model ?? null,
            ...promptOf(o.prompt),
            temperature: numberFlag('--temperature', o.temperature) ?? preset?.temperature ?? null,
            topP: numberFlag('--top-p', o.topP) ?? preset?.topP ?? null,
            maxTokens: numberFlag('--max-tokens', o.maxTokens) ?? null,
            preset: preset?.name ?? null,
          });
          process.stdout.write(`Counselor '${added.name}' added: ${endpoint.name}/${added.model ?? endpoint.model}, prompt ${added.promptName}.\n`);
        } catch (error) {
          const field = error instanceof DomainError ? error.issues?.[0]?.path : undefined;
          if (field && flagOf[field]) throw new DomainError('validation', `${flagOf[field]}: ${error instanceof DomainError ? error.issues![0]!.message : ''}.`);
          throw error;
        }
      }),
    );

  counselors
    .command('list')
    .description('List the counselors')
    .option('--json', 'as JSON')
    .action((o: { json?: boolean }) =>
      withContext((ctx) => {
        const names = new Map(ctx.endpoints.list().map((e) => [e.id, e]));
        const rows = ctx.arena.counselors.list().map((c) => ({ ...c, endpoint: names.get(c.endpointId)?.name ?? null, model: c.model ?? names.get(c.endpointId)?.model ?? null }));
        if (o.json) return printJson(rows.map(({ id: _id, endpointId: _e, ...rest }) => rest));
        if (rows.length === 0) return void process.stdout.write('No counselors yet. Add one with: simpsy counselors add --name NAME --endpoint ENDPOINT\n');
        const show = (n: number | null) => (n === null ? '-' : String(n));
        process.stdout.write(
          `${table(
            ['name', 'endpoint', 'model', 'prompt', 'temperature', 'top_p', 'max tokens'],
            rows.map((c) => [c.name, c.endpoint ?? '-', c.model ?? '-', c.promptName, show(c.temperature), show(c.topP), show(c.maxTokens)]),
          )}\n`,
        );
      }),
    );

  counselors
    .command('remove')
    .description('Remove a counselor (arena runs keep their own copy of it)')
    .argument('<name>')
    .action((name: string) =>
      withContext((ctx) => {
        ctx.arena.counselors.remove(name);
        process.stdout.write(`Counselor '${name}' removed.\n`);
      }),
    );
}
