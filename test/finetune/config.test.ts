import yaml from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { DomainError } from '../../src-main/common/errors';
import { jobConfig, type JobConfigInput } from '../../src-main/finetune/config/job';
import { parseSetting } from '../../src-main/finetune/config/keys';

// How LLaMA-Factory reads the YAML: PyYAML's YAML 1.1 implicit types (resolver.py), which
// differ from YAML 1.2's: `1e-5` without a dot is a string there, `yes`/`on` are booleans,
// `~` is null. Written from PyYAML's resolver patterns, independently of the emitter.
const PY_BOOL = /^(?:yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$/;
const PY_INT = /^(?:[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+)$/;
const PY_FLOAT = /^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$/;
const PY_NULL = /^(?:~|null|Null|NULL|)$/;

function pythonValue(raw: string): string | number | boolean | null {
  if (/^'.*'$/.test(raw)) return raw.slice(1, -1).replace(/''/g, "'");
  if (/^".*"$/.test(raw)) return JSON.parse(raw) as string;
  if (PY_BOOL.test(raw)) return /^(?:yes|true|on)$/i.test(raw);
  if (PY_NULL.test(raw)) return null;
  if (PY_INT.test(raw) || PY_FLOAT.test(raw)) return Number(raw.replace(/_/g, ''));
  return raw;
}

/** The flat YAML as PyYAML would read it, line by line. */
function readAsPython(text: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const line of text.split('\n')) {
    if (line.trim() === '' || line.startsWith('#')) continue;
    const at = line.indexOf(': ');
    out[line.slice(0, at)] = pythonValue(line.slice(at + 2));
  }
  return out;
}

const base: JobConfigInput = { base: 'qwen2-7b-instruct', mode: 'prefix', datasetName: 'counsel' };

const problems = (input: Partial<JobConfigInput>): string[] => {
  try {
    jobConfig({ ...base, ...input });
  } catch (error) {
    if (error instanceof DomainError) return (error.issues ?? []).map((i) => `${i.path}: ${i.message}`);
    throw error;
  }
  return [];
};

describe('the training job configuration', () => {
  it("has the paper's hyper-parameters (§5.2.2) by default, in a YAML that parses back to them, as YAML 1.2 and as PyYAML reads it", () => {
    const config = jobConfig(base);
    const text = config.files['train.yaml'];
    const paper = {
      model_name_or_path: 'Qwen/Qwen2-7B-Instruct',
      template: 'qwen',
      stage: 'sft',
      do_train: true,
      finetuning_type: 'full',
      deepspeed: 'ds_z3_config.json',
      dataset: 'counsel',
      dataset_dir: 'data',
      mask_history: true,
      learning_rate: 1e-5,
      lr_scheduler_type: 'cosine',
      num_train_epochs: 2,
      per_device_train_batch_size: 1,
      gradient_accumulation_steps: 2,
      bf16: true,
      val_size: 0.001,
      cutoff_len: 4096,
      report_to: 'none',
    };
    expect(yaml.load(text)).toMatchObject(paper);
    expect(yaml.load(text)).toEqual(config.values);
    expect(readAsPython(text)).toEqual(config.values);
    expect(text).toMatch(/^### model\nmodel_name_or_path: Qwen\/Qwen2-7B-Instruct$/m);
    expect(text.indexOf('### method')).toBeLessThan(text.indexOf('### dataset'));
    expect(config.gpus).toBe(4);
    expect(config.effectiveBatch).toBe(8);
    expect(config.env).toEqual({ FORCE_TORCHRUN: '1', CUDA_VISIBLE_DEVICES: '0,1,2,3' });
  });

  it('writes DeepSpeed ZeRO-3 as LLaMA-Factory’s example, its batch settings left to the trainer', () => {
    const ds = JSON.parse(jobConfig(base).files['ds_z3_config.json']) as Record<string, unknown>;
    expect(ds).toEqual({
      train_batch_size: 'auto',
      train_micro_batch_size_per_gpu: 'auto',
      gradient_accumulation_steps: 'auto',
      gradient_clipping: 'auto',
      zero_allow_untested_optimizer: true,
      fp16: { enabled: 'auto', loss_scale: 0, loss_scale_window: 1000, initial_scale_power: 16, hysteresis: 2, min_loss_scale: 1 },
      bf16: { enabled: 'auto' },
      zero_optimization: {
        stage: 3,
        overlap_comm: false,
        contiguous_gradients: true,
        sub_group_size: 1e9,
        reduce_bucket_size: 'auto',
        stage3_prefetch_bucket_size: 'auto',
        stage3_param_persistence_threshold: 'auto',
        stage3_max_live_parameters: 1e9,
        stage3_max_reuse_distance: 1e9,
        stage3_gather_16bit_weights_on_model_save: true,
      },
    });
  });

  it('takes the DeepSeek preset, any model with its template, the session mode, and overrides that PyYAML reads as numbers', () => {
    expect(jobConfig({ ...base, base: 'deepseek-llm-7b-chat' }).values).toMatchObject({ model_name_or_path: 'deepseek-ai/deepseek-llm-7b-chat', template: 'deepseek' });
    const custom = jobConfig({ ...base, base: '/models/my-qwen', template: 'qwen', mode: 'session', settings: ['learning_rate=2e-7', 'num_train_epochs=3', 'bf16=false', 'fp16=true', 'seed=0'] });
    expect(custom.values).toMatchObject({ model_name_or_path: '/models/my-qwen', mask_history: false, learning_rate: 2e-7, num_train_epochs: 3, bf16: false, fp16: true, seed: 0 });
    // 2e-7 is not written as `2e-7`, which PyYAML would read as a string.
    expect(readAsPython(custom.files['train.yaml'])).toEqual(custom.values);
  });

  it('estimates the optimiser steps as the trainer counts them, and launches on the GPUs the server listed', () => {
    const config = jobConfig({ ...base, samples: 1000, foundGpus: [0, 1, 2, 3, 4, 5].map((i) => ({ index: i, name: 'NVIDIA A100-SXM4-80GB', memoryMiB: 81920 })), gpus: 2 });
    // 999 training samples (one held out) / (2 GPUs × 1) = 500 batches / 2 = 250 a epoch, 2 epochs.
    expect(config.steps).toBe(500);
    expect(config.env.CUDA_VISIBLE_DEVICES).toBe('0,1');
    expect(jobConfig({ ...base, samples: 10, settings: ['max_steps=7'] }).steps).toBe(7);
  });

  it.each([
    { what: 'a space in a path', input: { outputDir: 'my output' }, expect: /outputDir: The output folder 'my output' holds a space/ },
    { what: 'shell syntax in a path', input: { datasetDir: '$(reboot)' }, expect: /datasetDir: The dataset folder '\$\(reboot\)'/ },
    { what: 'a quote in the model path', input: { base: "x'; touch /tmp/pwned; '", template: 'qwen' }, expect: /base: The base model .* holds a space or a character a shell reads/ },
    { what: 'a home-relative path', input: { deepspeedPath: '~/ds.json' }, expect: /deepspeedPath: The DeepSpeed file '~\/ds.json'/ },
    { what: 'more GPUs than found', input: { gpus: 4, foundGpus: [{ index: 0, name: 'A100', memoryMiB: 81920 }, { index: 1, name: 'A100', memoryMiB: 81920 }] }, expect: /gpus: 4 GPUs requested, the server has 2 \(A100, A100\); ask for at most 2/ },
    { what: 'no GPU found', input: { foundGpus: [] }, expect: /gpus: The server reports no GPU/ },
    { what: 'zero GPUs', input: { gpus: 0 }, expect: /gpus: GPUs must be a whole number from 1 to 64/ },
    { what: 'an unknown template', input: { base: 'org/model', template: 'qwen-chat' }, expect: /template: 'qwen-chat' is not a LLaMA-Factory template/ },
    { what: 'a model without a template', input: { base: 'org/model' }, expect: /template: Name the chat template of org\/model/ },
    { what: 'a longest sample over cutoff_len in session mode', input: { mode: 'session' as const, longestSampleTokens: 5000 }, expect: /set.cutoff_len: .*about 5000 tokens, over cutoff_len 4096.*set cutoff_len=5120/ },
    { what: 'bf16 and fp16 together', input: { settings: ['fp16=true'] }, expect: /set.fp16: bf16 and fp16 cannot both be true/ },
    { what: 'no validation split while evaluating', input: { settings: ['val_size=0'] }, expect: /set.val_size: val_size 0 leaves nothing to evaluate/ },
    { what: 'a bad dataset name', input: { datasetName: 'a b' }, expect: /datasetName: 'a b' cannot name a dataset/ },
  ])('refuses $what, saying what to do', ({ input, expect: message }) => {
    const found = problems(input);
    expect(found.join('\n')).toMatch(message);
  });

  it('reports every problem at once, and a long prefix sample only as a warning (its last turn is kept)', () => {
    expect(problems({ outputDir: 'a b', gpus: 0, settings: ['learning_rte=1e-5', 'bf16=yes'] })).toHaveLength(4);
    const config = jobConfig({ ...base, longestSampleTokens: 5000 });
    expect(config.warnings.join()).toMatch(/about 5000 tokens, over cutoff_len 4096: under mask_history its oldest history is cut/);
    expect(jobConfig({ ...base, template: 'deepseek' }).warnings.join()).toMatch(/Qwen2-7B-Instruct is trained with template 'qwen'/);
  });
});

describe('--set key=value', () => {
  it.each([
    ['learning_rate=2e-5', { key: 'learning_rate', value: 2e-5 }],
    ['num_train_epochs=1.5', { key: 'num_train_epochs', value: 1.5 }],
    ['cutoff_len=8192', { key: 'cutoff_len', value: 8192 }],
    ['lr_scheduler_type=linear', { key: 'lr_scheduler_type', value: 'linear' }],
    [' plot_loss = false ', { key: 'plot_loss', value: false }],
  ])('%s is read with its type', (raw, parsed) => expect(parseSetting(raw)).toEqual(parsed));

  it.each([
    ['learning_rte=1e-5', /learning_rte is not a key this job knows; did you mean learning_rate\?/],
    ['template=llama3', /template is set by the job; choose the chat template with --template/],
    ['mask_history=false', /it follows the export mode: --mode prefix \(true\) or session \(false\)/],
    ['finetuning_type=lora', /this job is full fine-tuning/],
    ['bf16=yes', /bf16 takes true or false/],
    ['learning_rate=0', /learning_rate takes a number above 0 to 1/],
    ['learning_rate=fast', /learning_rate takes a number/],
    ['per_device_train_batch_size=1.5', /takes a whole number from 1 to 4096/],
    ['lr_scheduler_type=cosine_annealing', /takes one of linear, cosine/],
    ['learning_rate', /--set takes key=value/],
  ])('%s is refused', (raw, message) => expect(() => parseSetting(raw)).toThrow(message));
});
