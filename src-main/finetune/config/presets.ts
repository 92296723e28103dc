// Base models and LLaMA-Factory chat templates. The two presets are the paper's backbones
// (§5.2.2); any other model is a hub id or a path on the GPU server with its template named.

export interface BaseModelPreset {
  /** What --base accepts. */
  name: string;
  /** model_name_or_path: the Hugging Face hub id. */
  path: string;
  template: string;
  label: string;
}

export const baseModelPresets: readonly BaseModelPreset[] = [
  { name: 'qwen2-7b-instruct', path: 'Qwen/Qwen2-7B-Instruct', template: 'qwen', label: 'Qwen2-7B-Instruct' },
  { name: 'deepseek-llm-7b-chat', path: 'deepseek-ai/deepseek-llm-7b-chat', template: 'deepseek', label: 'DeepSeek-LLM-7B-Chat' },
];

/** A preset by its name, hub id or label, any case. */
export function presetOf(base: string): BaseModelPreset | undefined {
  const key = base.trim().toLowerCase();
  return baseModelPresets.find((p) => [p.name, p.path.toLowerCase(), p.label.toLowerCase()].includes(key));
}

/**
 * Chat templates registered in LLaMA-Factory's src/llamafactory/data/template.py (0.9.x). A
 * template outside this list is refused: a wrong one trains the model on the wrong role markers
 * without any error. A newer LLaMA-Factory may know more; add them here.
 */
export const knownTemplates: readonly string[] = [
  'alpaca', 'aquila', 'atom', 'baichuan', 'baichuan2', 'bailing', 'belle', 'bluelm', 'breeze', 'chatglm2', 'chatglm3', 'chatml',
  'chatml_de', 'codegeex2', 'codegeex4', 'cohere', 'cpm', 'cpm3', 'dbrx', 'deepseek', 'deepseek3', 'deepseekcoder', 'deepseekr1',
  'default', 'empty', 'exaone', 'falcon', 'fewshot', 'gemma', 'gemma3', 'glm4', 'granite3', 'index', 'hunyuan', 'intern', 'intern2',
  'intern3', 'llama2', 'llama2_zh', 'llama3', 'llama4', 'llava', 'mistral', 'minicpm_v', 'olmo', 'openchat', 'openchat-3.6',
  'opencoder', 'orion', 'phi', 'phi_small', 'phi4', 'qwen', 'qwen2_audio', 'qwen2_vl', 'qwen3', 'sailor', 'solar', 'starchat',
  'telechat', 'telechat2', 'vicuna', 'xuanyuan', 'xverse', 'yayi', 'yi', 'yi_vl', 'yuan', 'zephyr', 'ziya',
];
