// The endpoint side of the simulation benchmarks, shared by the in-process and the CLI one:
// the test server in its own process (as a remote endpoint would be) and the baseline client
// that only makes calls against it. Both are separate processes so that the benchmark's own
// process (vitest) does not share an event loop with what it measures.

import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

export interface BenchServer {
  url: string;
  /** The server process's CPU time so far, in ms: its share of a shared machine. */
  cpuMs(): Promise<number>;
  stop(): void;
}

/** Starts support/bench-server.ts answering every call after `latencyMs`. */
export async function startBenchServer(latencyMs: number): Promise<BenchServer> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(__dirname, 'bench-server.ts'), String(latencyMs)], {
    cwd: join(__dirname, '../../..'),
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
  const exited = new Promise<never>((_, reject) => child.on('exit', (code) => reject(new Error(`the test server exited (${code})`))));
  exited.catch(() => undefined);
  const next = async () => {
    const { value, done } = await Promise.race([lines.next(), exited]);
    if (done) throw new Error('the test server closed its output');
    return (value as string).trim();
  };
  const url = await next();
  return {
    url,
    async cpuMs() {
      child.stdin!.write('usage\n');
      return (JSON.parse(await next()) as { cpuMs: number }).cpuMs;
    },
    stop: () => child.stdin!.end(),
  };
}

/**
 * The baseline measured in the same run: support/bare-client.cjs makes `calls` streamed calls,
 * `concurrency` at a time, and saves nothing. Its wall time is what the server and the machine
 * allow right now; its CPU is what making the calls alone costs.
 */
export function bareClient(url: string, calls: number, concurrency: number): Promise<{ wallMs: number; cpuMs: number }> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, [join(__dirname, 'bare-client.cjs'), url, String(calls), String(concurrency)], { stdio: ['ignore', 'pipe', 'inherit'] });
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`the bare client exited ${code}`));
      resolve({ wallMs: performance.now() - started, cpuMs: (JSON.parse(stdout) as { cpuMs: number }).cpuMs });
    });
  });
}
