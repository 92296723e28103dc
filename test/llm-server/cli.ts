// Standalone runner, for pointing the app or a benchmark at a local fake endpoint:
//   npx tsx test/llm-server/cli.ts [--port 8787] [--latency 50] [--api-key KEY] [--models a,b]

import { parseArgs } from 'node:util';
import { startLlmServer } from './server';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '8787' },
    latency: { type: 'string', default: '0' },
    'api-key': { type: 'string' },
    models: { type: 'string' },
  },
});

function toNumber(flag: string, text: string): number {
  const n = Number(text);
  if (!Number.isFinite(n) || n < 0) throw new Error(`--${flag} expects a non-negative number, got "${text}"`);
  return n;
}

// No top-level await: tsx runs this package's .ts files as CommonJS.
async function main(): Promise<void> {
  const server = await startLlmServer({
    port: toNumber('port', values.port),
    latencyMs: toNumber('latency', values.latency),
    apiKey: values['api-key'],
    models: values.models?.split(',').map((m) => m.trim()).filter(Boolean),
  });
  console.log(`LLM test server listening on ${server.url}`);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      void server.close().then(() => process.exit(0));
    });
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
