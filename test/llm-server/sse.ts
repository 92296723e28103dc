import type { ServerResponse } from 'node:http';
import { wait } from './http-util';

/**
 * Writes events as `data:` lines and ends with `data: [DONE]`. With `cutAfter`,
 * the socket is destroyed after that many events instead, mid-stream.
 */
export async function writeSse(res: ServerResponse, events: object[], chunkDelayMs: number, cutAfter?: number): Promise<void> {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
  const lines = events.slice(0, cutAfter).map((event) => `data: ${JSON.stringify(event)}\n\n`);
  if (chunkDelayMs === 0 && cutAfter === undefined) {
    // The whole stream in one write: the client still parses separate events, and
    // benchmarks pay neither a syscall nor a wake-up of the client per chunk.
    res.end(`${lines.join('')}data: [DONE]\n\n`);
    return;
  }
  if (chunkDelayMs > 0) {
    for (const line of lines) {
      res.write(line);
      if (!(await wait(chunkDelayMs, res))) return;
    }
  } else {
    res.write(lines.join(''));
  }
  if (cutAfter === undefined) {
    res.end('data: [DONE]\n\n');
    return;
  }
  // An SSE comment (ignored by parsers) whose write callback fires once everything
  // before it is flushed: the client gets the partial stream, then the reset.
  res.write(': cut\n\n', () => res.destroy());
}
