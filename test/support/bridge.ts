import { build } from 'esbuild';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, resolve } from 'node:path';
import { eventChannels } from '../../src-main/contract';
import { ChangeWatcher } from '../../src-main/app/change-watcher';
import { createAppContext, type AppContext } from '../../src-main/app/context';
import { createDispatch } from '../../src-main/ipc/dispatch';
import { createHandlerTable } from '../../src-main/ipc/handlers';
import { CONTENT_SECURITY_POLICY } from '../../src-main/electron/window-options';
import { deadPort } from './ports';
import { memorySecretBox } from './secret-box';

// Serves the built renderer to a real browser with `window.api` bridged over loopback HTTP
// to the real main-process handler table: the same one the Electron adapter registers.

const root = resolve(__dirname, '../..');
export const rendererDir = join(root, 'out/renderer');

const mime: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
};

let clientScript: Promise<string> | undefined;
/** The bridge client (buildApi + fetch transport) as one script for page.addInitScript. */
export function bridgeInitScript(): Promise<string> {
  clientScript ??= build({
    entryPoints: [join(__dirname, 'bridge-client.ts')],
    bundle: true,
    write: false,
    format: 'iife',
    platform: 'browser',
    target: 'chrome120',
  }).then((out) => out.outputFiles[0]!.text);
  return clientScript;
}

export interface Bridge {
  url: string;
  /** Answers for the next file dialogs, in order (null = the person cancelled). */
  filePicks: (string | null)[];
  initScript: string;
  ctx: AppContext;
  close(): Promise<void>;
}

export interface BridgeOptions {
  dbPath: string;
  systemLocale?: string;
  env?: NodeJS.ProcessEnv;
  /** How often the app looks for changes made by other processes (the app's own is 500 ms). */
  changePollMs?: number;
}

/** Settings looks for local model servers; a test never depends on what runs on this machine's usual ports. */
async function withLocalPorts(env: NodeJS.ProcessEnv): Promise<NodeJS.ProcessEnv> {
  return env.SIMPSY_LOCAL_PORTS ? env : { ...env, SIMPSY_LOCAL_PORTS: String(await deadPort()) };
}

export async function startBridge(options: BridgeOptions): Promise<Bridge> {
  if (!existsSync(join(rendererDir, 'index.html'))) {
    throw new Error(`No built renderer at ${rendererDir}: run \`npm run build\` first.`);
  }
  const filePicks: (string | null)[] = [];
  const ctx = createAppContext({
    // Stands in for the system file dialog: a test says what the person would pick.
    chooseFile: async () => {
      if (filePicks.length === 0) throw new Error('The test did not say which file to pick (bridge.filePicks).');
      return { path: filePicks.shift() ?? null };
    },
    dbPath: options.dbPath,
    secrets: memorySecretBox(),
    version: 'test',
    systemLocale: options.systemLocale ?? 'zh-CN',
    env: await withLocalPorts(options.env ?? process.env),
  });
  const dispatch = createDispatch(createHandlerTable(), ctx);
  const streams = new Set<ServerResponse>();
  const unsubscribe = eventChannels.map((channel) =>
    ctx.events.on(channel, (payload) => {
      for (const res of streams) res.write(`data: ${JSON.stringify({ channel, payload })}\n\n`);
    }),
  );
  // As in the Electron main: changes made elsewhere reach the page as domain events.
  const changes = new ChangeWatcher(ctx.db, ctx.events, options.changePollMs ?? 100).start();

  const server = createServer((req, res) => {
    void handle(req, res).catch((error: unknown) => {
      res.writeHead(500).end(String(error));
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://bridge');
    if (url.pathname.startsWith('/__bridge/ipc/') && req.method === 'POST') {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      let payload: unknown;
      try {
        payload = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
      } catch {
        payload = Symbol('unparseable'); // the dispatcher refuses it like any malformed payload
      }
      const result = await dispatch(decodeURIComponent(url.pathname.slice('/__bridge/ipc/'.length)), payload);
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(result));
      return;
    }
    if (url.pathname === '/__bridge/events') {
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
      res.write(': connected\n\n');
      streams.add(res);
      req.on('close', () => streams.delete(res));
      return;
    }
    const file = normalize(join(rendererDir, url.pathname === '/' ? 'index.html' : decodeURIComponent(url.pathname)));
    if (!file.startsWith(rendererDir) || !existsSync(file)) {
      res.writeHead(404).end('not found');
      return;
    }
    res
      .writeHead(200, {
        'content-type': mime[extname(file)] ?? 'application/octet-stream',
        'content-security-policy': CONTENT_SECURITY_POLICY,
      })
      .end(await readFile(file));
  }

  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    filePicks,
    initScript: await bridgeInitScript(),
    ctx,
    async close() {
      changes.stop();
      for (const off of unsubscribe) off();
      for (const res of streams) res.end();
      server.closeAllConnections();
      await new Promise<void>((done) => server.close(() => done()));
      ctx.close();
    },
  };
}
