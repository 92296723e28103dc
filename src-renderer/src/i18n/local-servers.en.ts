// English strings of the local model servers in Settings (`local` in the dictionary); `local-servers.zh.ts`
// is typed by this object, so a key missing from either language fails to compile.

const local = {
  title: 'Found on this computer',
  scanning: 'Looking for model servers running on this computer…',
  rescan: 'Look again',
  none: (ports: string) => `No model server is running on this computer (Ollama, LM Studio, vLLM or llama.cpp on port ${ports}). Start one, then look again.`,
  kinds: { ollama: 'Ollama', 'lm-studio': 'LM Studio', vllm: 'vLLM', 'llama.cpp': 'llama.cpp', 'openai-compatible': 'OpenAI-compatible server' },
  modelCount: (n: number) => (n === 1 ? '1 model' : `${n} models`),
  model: 'Model',
  addAs: (name: string) => `Add as “${name}”`,
  addedAs: (name: string) => `endpoint “${name}”`,
  embedding: 'embedding model',
  noModels: 'Running, but no model is loaded.',
  needsKey: 'Running, but it asks for an API key, so its models are not listed.',
  addWithKey: 'Add with a key…',
  allAdded: 'Every model here already has an endpoint.',
  failed: 'Could not look for local model servers',
  addFailed: 'Could not add the endpoint',
};

export default local;
