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
 * Chat templates registered in LLaMA-Factory's src/llamafactory/data/template.py, every
 * `register_template(name=…)` of hiyouga/LLaMA-Factory at commit 00577a85 (checked 30 Nov
 * 2026; docs/finetuning.md). A template outside this list is refused: a wrong one trains the
 * model on the wrong role markers without any error. A newer LLaMA-Factory may know more
 * (add them here); an older one may lack the newest (LLaMA-Factory then refuses the job at
 * start with "Template X does not exist").
 */
export const knownTemplates: readonly string[] = [
  'alpaca', 'aquila', 'atom', 'baichuan', 'baichuan2', 'bailing', 'bailing_v2', 'belle', 'bluelm', 'breeze', 'chatglm2',
  'chatglm3', 'chatml', 'chatml_de', 'codegeex2', 'codegeex4', 'cohere', 'cpm', 'cpm3', 'cpm4', 'dbrx', 'deepseek', 'deepseek3',
  'deepseekcoder', 'deepseekr1', 'default', 'dots_ocr', 'empty', 'ernie', 'ernie_nothink', 'ernie_vl', 'exaone', 'falcon',
  'falcon_h1', 'fewshot', 'gemma', 'gemma2', 'gemma3', 'gemma3n', 'glm4', 'glm4_5v', 'glm4_moe', 'glm4v', 'glmz1', 'gpt_oss',
  'granite3', 'granite3_vision', 'granite4', 'hunyuan', 'index', 'intern', 'intern2', 'intern_s1', 'intern_vl', 'keye_vl',
  'kimi_vl', 'llama2', 'llama2_zh', 'llama3', 'llama4', 'llava', 'llava_next', 'llava_next_llama3', 'llava_next_mistral',
  'llava_next_qwen', 'llava_next_video', 'llava_next_video_mistral', 'llava_next_video_yi', 'llava_next_yi', 'marco', 'mimo',
  'mimo_v2', 'mimo_vl', 'minicpm_o', 'minicpm_v', 'minimax1', 'minimax2', 'ministral', 'ministral3', 'mistral', 'mistral_small',
  'mllama', 'moonlight', 'olmo', 'openchat', 'openchat-3.6', 'opencoder', 'orion', 'paligemma', 'paligemma_chat', 'phi', 'phi4',
  'phi_small', 'pixtral', 'qwen', 'qwen2_audio', 'qwen2_omni', 'qwen2_vl', 'qwen3', 'qwen3_nothink', 'qwen3_omni',
  'qwen3_omni_nothink', 'qwen3_vl', 'qwen3_vl_nothink', 'sailor', 'seed_coder', 'seed_oss', 'skywork_o1', 'smollm', 'smollm2',
  'solar', 'starchat', 'telechat', 'telechat2', 'vicuna', 'video_llava', 'xuanyuan', 'xverse', 'yayi', 'yi', 'yi_vl', 'yuan',
  'zephyr', 'ziya',
];
