import type localEn from './local-servers.en';

const local: typeof localEn = {
  title: '在这台电脑上找到的模型服务',
  scanning: '正在查找本机运行的模型服务…',
  rescan: '重新查找',
  none: (ports: string) => `本机没有正在运行的模型服务（在端口 ${ports} 上查找 Ollama、LM Studio、vLLM 或 llama.cpp）。启动后点“重新查找”。`,
  kinds: { ollama: 'Ollama', 'lm-studio': 'LM Studio', vllm: 'vLLM', 'llama.cpp': 'llama.cpp', 'openai-compatible': 'OpenAI 兼容服务' },
  modelCount: (n: number) => `${n} 个模型`,
  model: '模型',
  addAs: (name: string) => `添加为“${name}”`,
  addedAs: (name: string) => `接口“${name}”`,
  embedding: '向量模型',
  noModels: '服务在运行，但没有加载模型。',
  needsKey: '服务在运行，但需要 API 密钥，所以看不到它的模型。',
  addWithKey: '填写密钥并添加…',
  allAdded: '这里的模型都已添加为接口。',
  failed: '无法查找本机的模型服务',
  addFailed: '无法添加接口',
};

export default local;
