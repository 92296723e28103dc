import type { Command } from 'commander';
import { mkdirSync } from 'node:fs';
import { basename, extname, join, resolve } from 'node:path';
import { DomainError } from '../common/errors';
import { writeFailure, writeFileSafely, checkTarget } from '../common/safe-write';
import { baseModelPresets } from '../finetune/config/presets';
import { readSftFile } from '../finetune/sft/read';
import { sftModes, type SftMode } from '../finetune/sft/samples';
import { count } from './evaluate';

// `simpsy finetune config`: a preview of a training job's LLaMA-Factory YAML and DeepSpeed
// JSON (finetune/config/), checked as a submission would be. `finetuneCommand` returns the
// `finetune` command so the submitting commands (submit, status, logs, …) join it.

const out = (line: string): void => void process.stdout.write(`${line}\n`);
const err = (line: string): void => void process.stderr.write(`${line}\n`);

interface ConfigFlags {
  base?: string;
  template?: string;
  gpus?: string;
  mode: string;
  set?: string[];
  data?: string;
  name?: string;
  out?: string;
  force?: boolean;
  json?: boolean;
}

export function finetuneCommand(program: Command): Command {
  const finetune = program.command('finetune').description('Full fine-tuning with LLaMA-Factory (paper §5.2): job configuration, and jobs on a GPU server over SSH');
  finetune
    .command('config')
    .description("Print (or write with --out) a job's LLaMA-Factory YAML and DeepSpeed ZeRO-3 JSON, with the paper's hyper-parameters as defaults")
    .option('--base <model>', `${baseModelPresets.map((p) => p.name).join(', ')}, a hub id or a path on the server`)
    .option('--template <name>', 'the chat template (presets know theirs)')
    .option('--gpus <n>', 'GPUs to train on (paper: 4)')
    .option('--mode <mode>', 'prefix (mask_history: true, the paper) or session, as the data was exported', 'prefix')
    .option('--set <key=value>', 'change a hyper-parameter (repeatable), e.g. --set learning_rate=2e-5', (v: string, prev: string[] = []) => [...prev, v])
    .option('--data <file>', 'the exported SFT file: its dataset name, sample count and longest sample are checked')
    .option('--name <name>', 'the dataset name in dataset_info.json (default: from --data)')
    .option('--out <dir>', 'write train.yaml and ds_z3_config.json into this folder')
    .option('--force', 'replace existing files in --out')
    .option('--json', 'print one JSON object (values, files, env, steps, warnings) as the last line')
    .action(async (o: ConfigFlags) => {
      if (!o.base) throw new DomainError('validation', `Say which model to fine-tune: --base ${baseModelPresets.map((p) => p.name).join(' or ')} (or a hub id or path with --template).`);
      if (!(sftModes as readonly string[]).includes(o.mode)) throw new DomainError('validation', `--mode must be prefix or session, got '${o.mode}'.`);
      // Loaded when the command runs: js-yaml need not slow every other command's start.
      const { jobConfig } = await import('../finetune/config/job');
      const data = o.data ? readSftFile(resolve(o.data)) : null;
      const datasetName = o.name ?? data?.datasetName ?? (o.data ? basename(o.data, extname(o.data)) : 'simpsy_sft');
      const gpus = count('--gpus', o.gpus);
      const config = jobConfig({
        base: o.base,
        ...(o.template ? { template: o.template } : {}),
        ...(gpus !== undefined ? { gpus } : {}),
        mode: o.mode as SftMode,
        settings: o.set ?? [],
        datasetName,
        ...(data ? { longestSampleTokens: data.longestTokens, samples: data.samples } : {}),
      });
      for (const w of config.warnings) err(`warning: ${w}`);
      if (o.out) {
        const dir = resolve(o.out);
        try {
          mkdirSync(dir, { recursive: true });
        } catch (error) {
          throw writeFailure(dir, error);
        }
        const files = Object.entries(config.files).map(([name, text]) => ({ path: join(dir, name), text }));
        for (const f of files) checkTarget(f.path, { overwrite: o.force ?? false });
        for (const f of files) writeFileSafely(f.path, f.text, { overwrite: o.force ?? false });
      }
      if (o.json) return out(JSON.stringify({ values: config.values, files: config.files, env: config.env, gpus: config.gpus, effectiveBatch: config.effectiveBatch, steps: config.steps, warnings: config.warnings }));
      for (const [name, text] of Object.entries(config.files)) {
        out(`==> ${name} <==`);
        out(text.trimEnd());
        out('');
      }
      out(`launch: FORCE_TORCHRUN=1 CUDA_VISIBLE_DEVICES=${config.env.CUDA_VISIBLE_DEVICES} llamafactory-cli train train.yaml`);
      out(`${config.gpus} GPUs × batch ${String(config.values.per_device_train_batch_size)} × accumulation ${String(config.values.gradient_accumulation_steps)} = ${config.effectiveBatch} samples a step${config.steps !== null ? `; ≈ ${config.steps} steps for ${data!.samples} samples` : ''}`);
      if (o.out) out(`Wrote train.yaml and ds_z3_config.json in ${resolve(o.out)}.`);
    });
  return finetune;
}
