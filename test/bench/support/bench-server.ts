// The OpenAI-compatible test server as the simulation benchmarks use it, in its own process
// (as a remote endpoint would be): `node --import tsx test/bench/support/bench-server.ts 50`
// answers every call after 50 ms and prints its URL. It plays both agents: the counselor
// closes with a Table 2 phrase after 4–10 turns (depending on the card), so sessions differ
// in length as real ones do. A line `usage` on stdin prints this process's CPU time so far
// (a JSON line), so a benchmark can tell the server's share of a shared machine.

import { createInterface } from 'node:readline';
import { startLlmServer } from '../../llm-server/server';

const latencyMs = Number(process.argv[2] ?? 50);

startLlmServer({ latencyMs, logRequests: false }).then((server) => {
  server.respond((ctx) => {
    const system = ctx.systemPrompt ?? '';
    if (system.includes('来访者的对话要求')) {
      const card = /第(\d+)号/.exec(system)?.[1] ?? '0';
      return `第${card}号：我最近总是睡不好，心里很乱，不知道该怎么办。`;
    }
    const card = Number(/第(\d+)号/.exec(ctx.messages[3]?.content ?? '')?.[1] ?? 0);
    const turn = ctx.messages.filter((m) => m.role === 'assistant').length + 1;
    return turn >= 4 + (card % 7) ? '好的，今天我们就先聊到这里，下次见。' : '听起来这件事让你很困扰，你愿意多说说当时的感受吗？';
  });
  createInterface({ input: process.stdin }).on('line', (line) => {
    if (line.trim() !== 'usage') return;
    const { user, system } = process.cpuUsage();
    process.stdout.write(`${JSON.stringify({ cpuMs: (user + system) / 1000 })}\n`);
  });
  process.stdin.on('end', () => void server.close().then(() => process.exit(0)));
  process.stdout.write(`${server.url}\n`);
});
