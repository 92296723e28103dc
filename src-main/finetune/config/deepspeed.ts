// DeepSpeed ZeRO-3, as LLaMA-Factory's examples/deepspeed/ds_z3_config.json: "auto" values
// are filled by the Hugging Face trainer from the YAML (batch sizes, accumulation, clipping,
// fp16/bf16), so the two files cannot disagree; 16-bit weights are gathered on save, so the
// output folder holds a model that loads without DeepSpeed (and can be served back).

export const DEEPSPEED_FILE = 'ds_z3_config.json';

export const zero3Config = {
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
} as const;

export const deepspeedJson = (): string => `${JSON.stringify(zero3Config, null, 2)}\n`;
