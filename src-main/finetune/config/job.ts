import yaml from 'js-yaml';
import type { FieldIssue } from '../../contract/errors';
import { DomainError } from '../../common/errors';
import type { SftMode } from '../sft/samples';
import { DEFAULT_CUTOFF_LEN, DEFAULT_GPUS, paperDefaults, type Scalar } from './defaults';
import { DEEPSPEED_FILE, deepspeedJson } from './deepspeed';
import { knownKeys, parseSetting, type Section } from './keys';
import { knownTemplates, presetOf } from './presets';

// A training job's files, as strings for the SSH side to upload: the LLaMA-Factory YAML and
// the DeepSpeed ZeRO-3 JSON, with the environment to launch them (`FORCE_TORCHRUN=1
// CUDA_VISIBLE_DEVICES=… llamafactory-cli train train.yaml`). Pure: nothing is read or sent.
// Everything is checked first, and every problem is reported at once.

export const TRAIN_FILE = 'train.yaml';

export interface FoundGpu {
  index: number;
  name: string;
  memoryMiB: number;
}

export interface JobConfigInput {
  /** A preset (qwen2-7b-instruct, deepseek-llm-7b-chat), a hub id or a path on the server. */
  base: string;
  /** The chat template; required unless the base is a preset. */
  template?: string;
  gpus?: number;
  mode: SftMode;
  /** `key=value` overrides, checked against keys.ts. */
  settings?: readonly string[];
  /** Where the uploaded files are, as LLaMA-Factory will read them (relative to its working folder, or absolute). */
  datasetName: string;
  datasetDir?: string;
  outputDir?: string;
  deepspeedPath?: string;
  /** From the export's statistics, when known: the cutoff_len check and the step estimate. */
  longestSampleTokens?: number | null;
  samples?: number | null;
  /** The server's GPUs (the connection test's nvidia-smi), when known. */
  foundGpus?: readonly FoundGpu[] | null;
}

export interface JobConfig {
  /** The YAML's values, flat. */
  values: Record<string, Scalar>;
  files: { [TRAIN_FILE]: string; [DEEPSPEED_FILE]: string };
  env: { FORCE_TORCHRUN: '1'; CUDA_VISIBLE_DEVICES: string };
  gpus: number;
  /** Samples per optimiser step: GPUs × per-device batch × gradient accumulation. */
  effectiveBatch: number;
  /** Optimiser steps, when the sample count is known (as the HF trainer counts them). */
  steps: number | null;
  /** Things that train, but maybe not as meant. */
  warnings: string[];
}

/**
 * Paths go through LLaMA-Factory's launcher, which splits its command line on spaces, and
 * through the remote shell: letters, digits and `. _ / + @ % , : = -` only. `~` is not
 * expanded by Python (and alone it is YAML's null).
 */
const SAFE_PATH = /^[A-Za-z0-9._/+@%,:=-]+$/;
const DATASET_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

const sectionOrder: readonly Section[] = ['model', 'method', 'dataset', 'output', 'train', 'eval'];
const jobKeys: Readonly<Record<string, Section>> = {
  model_name_or_path: 'model',
  stage: 'method',
  do_train: 'method',
  finetuning_type: 'method',
  deepspeed: 'method',
  dataset: 'dataset',
  dataset_dir: 'dataset',
  template: 'dataset',
  cutoff_len: 'dataset',
  mask_history: 'dataset',
  output_dir: 'output',
};

export function jobConfig(input: JobConfigInput): JobConfig {
  const issues: FieldIssue[] = [];
  const warnings: string[] = [];
  const problem = (path: string, message: string) => issues.push({ path, message });

  const preset = presetOf(input.base);
  const modelPath = preset?.path ?? input.base.trim();
  const template = input.template?.trim() || preset?.template;
  if (modelPath === '') problem('base', 'Name the base model: a preset (qwen2-7b-instruct, deepseek-llm-7b-chat), a hub id or a path on the server');
  else if (!SAFE_PATH.test(modelPath)) problem('base', pathMessage('The base model', modelPath));
  if (!template) problem('template', `Name the chat template of ${modelPath || 'the model'} (--template), e.g. qwen or deepseek`);
  else if (!knownTemplates.includes(template)) problem('template', `'${template}' is not a LLaMA-Factory template; known: ${knownTemplates.join(', ')}`);
  else if (preset && template !== preset.template) warnings.push(`${preset.label} is trained with template '${preset.template}'; '${template}' gives it other role markers.`);

  const gpus = input.gpus ?? DEFAULT_GPUS;
  if (!Number.isInteger(gpus) || gpus < 1 || gpus > 64) problem('gpus', `GPUs must be a whole number from 1 to 64, got ${gpus}`);
  else if (input.foundGpus) {
    if (input.foundGpus.length === 0) problem('gpus', 'The server reports no GPU (nvidia-smi found none)');
    else if (gpus > input.foundGpus.length) {
      problem('gpus', `${gpus} GPUs requested, the server has ${input.foundGpus.length} (${input.foundGpus.map((g) => g.name).join(', ')}); ask for at most ${input.foundGpus.length}`);
    }
  }

  if (!DATASET_NAME.test(input.datasetName)) problem('datasetName', `'${input.datasetName}' cannot name a dataset: letters, digits, _ . - only`);
  const datasetDir = input.datasetDir ?? 'data';
  const outputDir = input.outputDir ?? 'output';
  const deepspeedPath = input.deepspeedPath ?? DEEPSPEED_FILE;
  for (const [field, what, value] of [
    ['datasetDir', 'The dataset folder', datasetDir],
    ['outputDir', 'The output folder', outputDir],
    ['deepspeedPath', 'The DeepSpeed file', deepspeedPath],
  ] as const) {
    if (!SAFE_PATH.test(value)) problem(field, pathMessage(what, value));
  }

  const values: Record<string, Scalar> = {
    ...paperDefaults,
    model_name_or_path: modelPath,
    deepspeed: deepspeedPath,
    dataset: input.datasetName,
    dataset_dir: datasetDir,
    template: template ?? '',
    cutoff_len: DEFAULT_CUTOFF_LEN,
    mask_history: input.mode === 'prefix',
    output_dir: outputDir,
  };
  for (const raw of input.settings ?? []) {
    try {
      const { key, value } = parseSetting(raw);
      values[key] = value;
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      problem(error.issues?.[0]?.path ?? 'set', error.message.replace(/\.$/, ''));
    }
  }

  if (values.bf16 === true && values.fp16 === true) problem('set.fp16', 'bf16 and fp16 cannot both be true; the paper trains in 16-bit with one of them (bf16 on A100s)');
  if (values.eval_strategy !== 'no' && values.val_size === 0) problem('set.val_size', 'val_size 0 leaves nothing to evaluate; set eval_strategy=no too, or keep a validation split (the paper: 0.001)');
  const cutoff = values.cutoff_len as number;
  const longest = input.longestSampleTokens ?? null;
  if (longest !== null && longest > cutoff) {
    const enough = Math.ceil(longest / 1024) * 1024;
    if (input.mode === 'session') {
      problem('set.cutoff_len', `The longest sample is about ${longest} tokens, over cutoff_len ${cutoff}: its later counselor turns would be cut from training; set cutoff_len=${enough} or export in prefix mode`);
    } else {
      warnings.push(`The longest sample is about ${longest} tokens, over cutoff_len ${cutoff}: under mask_history its oldest history is cut, its last counselor turn kept (cutoff_len=${enough} keeps all of it).`);
    }
  }

  if (issues.length > 0) {
    throw new DomainError('validation', `The training job cannot start: ${issues.map((i) => i.message).join('; ')}.`, issues);
  }

  const effectiveBatch = gpus * (values.per_device_train_batch_size as number) * (values.gradient_accumulation_steps as number);
  return {
    values,
    files: { [TRAIN_FILE]: trainingYaml(values), [DEEPSPEED_FILE]: deepspeedJson() },
    env: { FORCE_TORCHRUN: '1', CUDA_VISIBLE_DEVICES: visibleDevices(gpus, input.foundGpus ?? null) },
    gpus,
    effectiveBatch,
    steps: input.samples ? optimiserSteps(input.samples, values, gpus) : null,
    warnings,
  };
}

const pathMessage = (what: string, value: string) =>
  `${what} '${value}' holds a space or a character a shell reads (LLaMA-Factory's launcher splits on spaces); use letters, digits and . _ / + @ % , : = - only`;

/** The first N GPUs the server listed (0…N-1 when it was not asked). */
function visibleDevices(gpus: number, found: readonly FoundGpu[] | null): string {
  const indices = found && found.length >= gpus ? found.slice(0, gpus).map((g) => g.index) : Array.from({ length: gpus }, (_, i) => i);
  return indices.join(',');
}

/** The HF trainer's count: batches per GPU per epoch, over accumulation, times epochs. */
function optimiserSteps(samples: number, values: Record<string, Scalar>, gpus: number): number {
  if (typeof values.max_steps === 'number' && values.max_steps > 0) return values.max_steps;
  const val = values.val_size as number;
  const train = samples - (val > 0 ? Math.ceil(samples * val) : 0);
  const batches = Math.ceil(train / (gpus * (values.per_device_train_batch_size as number)));
  const perEpoch = Math.max(1, Math.floor(batches / (values.gradient_accumulation_steps as number)));
  return Math.ceil(perEpoch * (values.num_train_epochs as number));
}

/** The YAML in LLaMA-Factory's example layout: `### section` headers, one key a line. */
export function trainingYaml(values: Record<string, Scalar>): string {
  const sectionOf = (key: string): Section => jobKeys[key] ?? knownKeys[key]?.section ?? 'train';
  const parts = [
    '# LLaMA-Factory training configuration, written by SimPsy Studio.',
    "# Full fine-tuning with the paper's hyper-parameters (§5.2.2) unless changed; see docs/finetuning.md.",
  ];
  for (const section of sectionOrder) {
    const entries = Object.keys(values)
      .filter((k) => sectionOf(k) === section)
      .sort((a, b) => order(a) - order(b));
    if (entries.length === 0) continue;
    parts.push('', `### ${section}`, yaml.dump(Object.fromEntries(entries.map((k) => [k, values[k]])), { lineWidth: -1, sortKeys: false }).trimEnd());
  }
  return `${parts.join('\n')}\n`;
}

/** Job keys first, then the defaults' order, then the rest as set. */
const keyOrder = [...Object.keys(jobKeys), ...Object.keys(paperDefaults)];
const order = (key: string) => {
  const i = keyOrder.indexOf(key);
  return i === -1 ? keyOrder.length : i;
};
