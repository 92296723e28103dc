import { DomainError } from '../../common/errors';
import type { Scalar } from './defaults';

// The training YAML's keys a person may change with `--set key=value`, each with its type and
// range, so a typo (`learning_rte=2e-5`) or a wrong value (`bf16=yes please`) is refused here,
// with what to write, instead of an hour later on the GPU server. Keys the job sets itself
// are refused with the flag that sets them.

export type Section = 'model' | 'method' | 'dataset' | 'output' | 'train' | 'eval';

type Kind =
  | { type: 'int'; min: number; max: number }
  | { type: 'float'; min: number; max: number; minOpen?: boolean; maxOpen?: boolean }
  | { type: 'bool' }
  | { type: 'enum'; values: readonly string[] };

export interface KnownKey {
  section: Section;
  kind: Kind;
}

const int = (min: number, max = Number.MAX_SAFE_INTEGER): Kind => ({ type: 'int', min, max });
const bool: Kind = { type: 'bool' };
const oneOf = (...values: string[]): Kind => ({ type: 'enum', values });

export const knownKeys: Readonly<Record<string, KnownKey>> = {
  trust_remote_code: { section: 'model', kind: bool },
  flash_attn: { section: 'model', kind: oneOf('auto', 'disabled', 'sdpa', 'fa2') },
  enable_liger_kernel: { section: 'model', kind: bool },
  disable_gradient_checkpointing: { section: 'model', kind: bool },
  cutoff_len: { section: 'dataset', kind: int(16, 1_048_576) },
  max_samples: { section: 'dataset', kind: int(1) },
  overwrite_cache: { section: 'dataset', kind: bool },
  preprocessing_num_workers: { section: 'dataset', kind: int(1, 512) },
  logging_steps: { section: 'output', kind: int(1) },
  save_steps: { section: 'output', kind: int(1) },
  save_strategy: { section: 'output', kind: oneOf('no', 'steps', 'epoch') },
  save_total_limit: { section: 'output', kind: int(1) },
  plot_loss: { section: 'output', kind: bool },
  overwrite_output_dir: { section: 'output', kind: bool },
  save_only_model: { section: 'output', kind: bool },
  report_to: { section: 'output', kind: oneOf('none', 'tensorboard', 'wandb', 'mlflow', 'swanlab', 'all') },
  per_device_train_batch_size: { section: 'train', kind: int(1, 4096) },
  gradient_accumulation_steps: { section: 'train', kind: int(1, 4096) },
  learning_rate: { section: 'train', kind: { type: 'float', min: 0, max: 1, minOpen: true } },
  num_train_epochs: { section: 'train', kind: { type: 'float', min: 0, max: 1000, minOpen: true } },
  max_steps: { section: 'train', kind: int(-1) },
  lr_scheduler_type: {
    section: 'train',
    kind: oneOf('linear', 'cosine', 'cosine_with_restarts', 'polynomial', 'constant', 'constant_with_warmup', 'inverse_sqrt', 'reduce_lr_on_plateau', 'cosine_with_min_lr', 'warmup_stable_decay'),
  },
  warmup_ratio: { section: 'train', kind: { type: 'float', min: 0, max: 1, maxOpen: true } },
  warmup_steps: { section: 'train', kind: int(0) },
  weight_decay: { section: 'train', kind: { type: 'float', min: 0, max: 1 } },
  max_grad_norm: { section: 'train', kind: { type: 'float', min: 0, max: 1e6, minOpen: true } },
  bf16: { section: 'train', kind: bool },
  fp16: { section: 'train', kind: bool },
  seed: { section: 'train', kind: int(0, 2 ** 32 - 1) },
  ddp_timeout: { section: 'train', kind: int(1) },
  val_size: { section: 'eval', kind: { type: 'float', min: 0, max: 1, maxOpen: true } },
  per_device_eval_batch_size: { section: 'eval', kind: int(1, 4096) },
  eval_strategy: { section: 'eval', kind: oneOf('no', 'steps', 'epoch') },
  eval_steps: { section: 'eval', kind: int(1) },
};

/** Keys the job writes itself, and how to change them instead. */
export const managedKeys: Readonly<Record<string, string>> = {
  model_name_or_path: 'choose the model with --base',
  template: 'choose the chat template with --template',
  mask_history: 'it follows the export mode: --mode prefix (true) or session (false)',
  dataset: 'the job names the uploaded dataset',
  dataset_dir: 'the job puts the dataset in its own folder',
  output_dir: 'the job chooses its output folder',
  deepspeed: 'the job uploads its DeepSpeed ZeRO-3 configuration',
  stage: 'this job is supervised fine-tuning (sft)',
  do_train: 'this job trains',
  finetuning_type: "this job is full fine-tuning, as the paper's (§5.2.2)",
};

const FLOAT = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;

/** `key=value` as a typed value, or an error saying what the key takes. */
export function parseSetting(raw: string): { key: string; value: Scalar } {
  const eq = raw.indexOf('=');
  if (eq <= 0) throw new DomainError('validation', `--set takes key=value (e.g. --set learning_rate=2e-5), got '${raw}'.`);
  const key = raw.slice(0, eq).trim();
  const text = raw.slice(eq + 1).trim();
  const refuse = (what: string) => new DomainError('validation', `--set ${key}=${text}: ${what}.`, [{ path: `set.${key}`, message: what }]);
  if (managedKeys[key]) throw refuse(`${key} is set by the job; ${managedKeys[key]}`);
  const known = knownKeys[key];
  if (!known) {
    const near = nearest(key);
    throw refuse(`${key} is not a key this job knows; ${near ? `did you mean ${near}?` : `the keys: ${Object.keys(knownKeys).join(', ')}`}`);
  }
  const k = known.kind;
  switch (k.type) {
    case 'bool':
      if (text !== 'true' && text !== 'false') throw refuse(`${key} takes true or false`);
      return { key, value: text === 'true' };
    case 'enum':
      if (!k.values.includes(text)) throw refuse(`${key} takes one of ${k.values.join(', ')}`);
      return { key, value: text };
    case 'int': {
      const n = Number(text);
      if (!/^[-+]?\d+$/.test(text) || n < k.min || n > k.max) throw refuse(`${key} takes a whole number${k.max === Number.MAX_SAFE_INTEGER ? ` of at least ${k.min}` : ` from ${k.min} to ${k.max}`}`);
      return { key, value: n };
    }
    case 'float': {
      const n = Number(text);
      const low = k.minOpen ? n > k.min : n >= k.min;
      const high = k.maxOpen ? n < k.max : n <= k.max;
      if (!FLOAT.test(text) || !low || !high) throw refuse(`${key} takes a number ${k.minOpen ? 'above' : 'from'} ${k.min} ${k.maxOpen ? 'and below' : 'to'} ${k.max}`);
      return { key, value: n };
    }
  }
}

/** The known key closest to a typo, within two edits. */
function nearest(key: string): string | null {
  let best: { key: string; d: number } | null = null;
  for (const k of Object.keys(knownKeys)) {
    const d = editDistance(key, k);
    if (d <= 2 && (!best || d < best.d)) best = { key: k, d };
  }
  return best?.key ?? null;
}

function editDistance(a: string, b: string): number {
  let row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++) next[j] = Math.min(row[j]! + 1, next[j - 1]! + 1, row[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    row = next;
  }
  return row[b.length]!;
}
