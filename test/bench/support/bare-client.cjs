// The benchmarks' baseline: a process that only makes the calls. It sends CALLS streamed chat
// completions, CONCURRENCY at a time, over kept-alive node:http connections, reads each
// answer's events to the end, and exits; it saves nothing. A simulation that takes as long
// as this is limited by the server and the machine, not by the engine.
//   node bare-client.cjs URL CALLS CONCURRENCY  →  one JSON line: calls, wallMs, cpuMs
const http = require('node:http');

const [url, calls, concurrency] = [process.argv[2], Number(process.argv[3]), Number(process.argv[4])];
const started = performance.now();
const agent = new http.Agent({ keepAlive: true });
const target = new URL(`${url}/chat/completions`);
// About the size of a simulated call: a system prompt and a few turns.
const body = JSON.stringify({
  model: 'test-model',
  stream: true,
  stream_options: { include_usage: true },
  messages: [
    { role: 'system', content: '你是一位经验丰富的心理咨询师。'.repeat(40) },
    { role: 'user', content: '你好' },
    { role: 'assistant', content: '你好，今天想聊些什么？' },
    { role: 'user', content: '我最近总是睡不好，心里很乱，不知道该怎么办。' },
  ],
});

function call() {
  return new Promise((resolve, reject) => {
    const request = http.request(target, { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (response) => {
      response.setEncoding('utf8');
      let text = '';
      response.on('data', (piece) => (text += piece));
      response.on('end', () => (text.includes('[DONE]') ? resolve() : reject(new Error(`no [DONE] in ${text.slice(0, 200)}`))));
      response.on('error', reject);
    });
    request.on('error', reject);
    request.end(body);
  });
}

let left = calls;
const worker = async () => {
  while (left-- > 0) await call();
};
Promise.all(Array.from({ length: concurrency }, worker)).then(() => {
  const u = process.resourceUsage();
  process.stdout.write(`${JSON.stringify({ calls, wallMs: performance.now() - started, cpuMs: (u.userCPUTime + u.systemCPUTime) / 1000 })}\n`);
  agent.destroy();
});
