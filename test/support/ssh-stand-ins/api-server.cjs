// Stand-in for `llamafactory-cli api CONFIG` (started by bin/llamafactory-cli): an
// OpenAI-compatible server as LLaMA-Factory's api/app.py is, on API_HOST:API_PORT, answering
// to API_MODEL_NAME. It reads model_name_or_path and template from the YAML, refuses a model
// folder that does not exist (as transformers does), "loads" for STANDIN_API_LOAD_SECONDS
// (default 0.5), then answers /v1/models and /v1/chat/completions (whole or streamed). A
// reply names the model and template and echoes the last user message, so a test sees that
// its message went through the tunnel to this very model.
const http = require('node:http');
const fs = require('node:fs');

const config = fs.readFileSync(process.argv[2], 'utf8');
const field = (key) => {
  const line = config.split('\n').find((l) => l.startsWith(`${key}:`));
  if (!line) return '';
  const value = line.slice(key.length + 1).trim();
  return value.startsWith('"') ? JSON.parse(value) : value;
};
const modelPath = field('model_name_or_path');
const template = field('template');
if (!fs.existsSync(modelPath) || !fs.statSync(modelPath).isDirectory()) {
  console.error(`OSError: ${modelPath} is not a local folder and is not a valid model identifier`);
  process.exit(1);
}
const model = process.env.API_MODEL_NAME || 'gpt-3.5-turbo';
const host = process.env.API_HOST || '0.0.0.0';
const port = Number(process.env.API_PORT || 8000);
console.log(`[INFO] standin api: loading ${modelPath} with template ${template}`);

const server = http.createServer((req, res) => {
  const json = (status, body) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  if (req.method === 'GET' && req.url === '/v1/models') {
    return json(200, { object: 'list', data: [{ id: model, object: 'model', created: 0, owned_by: 'owner' }] });
  }
  if (req.method !== 'POST' || req.url !== '/v1/chat/completions') return json(404, { detail: 'Not Found' });
  let raw = '';
  req.on('data', (d) => (raw += d));
  req.on('end', () => {
    const body = JSON.parse(raw);
    const last = [...body.messages].reverse().find((m) => m.role === 'user');
    const text = `（${model}，${template}）我听到你说：${last ? last.content : ''}`;
    const usage = { prompt_tokens: raw.length, completion_tokens: [...text].length, total_tokens: raw.length + [...text].length };
    const id = `chatcmpl-${Date.now()}`;
    if (!body.stream) {
      return json(200, { id, object: 'chat.completion', created: 0, model, choices: [{ index: 0, message: { role: 'assistant', content: text }, finish_reason: 'stop' }], usage });
    }
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    const send = (chunk) => res.write(`data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created: 0, model, ...chunk })}\n\n`);
    send({ choices: [{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }] });
    for (const piece of text.match(/.{1,6}/gsu) || []) send({ choices: [{ index: 0, delta: { content: piece }, finish_reason: null }] });
    send({ choices: [{ index: 0, delta: {}, finish_reason: 'stop' }], usage });
    res.end('data: [DONE]\n\n');
  });
});
setTimeout(() => server.listen(port, host, () => console.log(`[INFO] Uvicorn running on http://${host}:${port}`)), 1000 * Number(process.env.STANDIN_API_LOAD_SECONDS || 0.5));
