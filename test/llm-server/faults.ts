import type { ServerResponse } from 'node:http';
import { errorBody, sendError, sendJson } from './http-util';
import type { Fault } from './types';

/** Faults that look the same on every endpoint; cut_stream depends on the payload, so routes handle it. */
export type PlainFault = Exclude<Fault, { fault: 'cut_stream' }>;

export function sendFault(res: ServerResponse, fault: PlainFault, model: string, stream: boolean): void {
  switch (fault.fault) {
    case 'rate_limit': {
      const seconds = fault.retryAfter ?? 1;
      // retry-after is whole seconds by the HTTP spec; the SDK prefers retry-after-ms, which keeps tests fast.
      sendError(res, 429, `Rate limit reached for ${model}. Please try again in ${seconds}s.`, 'requests', 'rate_limit_exceeded', {
        'retry-after': String(Math.ceil(seconds)),
        'retry-after-ms': String(Math.round(seconds * 1000)),
      });
      return;
    }
    case 'server_error':
      sendError(res, fault.status ?? 500, 'The server had an error while processing your request. Sorry about that!', 'server_error', null);
      return;
    case 'hang':
      // Never answer: the client's timeout, an abort, or close() ends the request.
      return;
    case 'drop':
      res.destroy();
      return;
    case 'malformed':
      sendMalformed(res, stream);
      return;
    case 'unauthorized':
      sendError(res, 401, 'Incorrect API key provided.', 'invalid_request_error', 'invalid_api_key');
      return;
    case 'status':
      if (typeof fault.body === 'string') {
        // A raw string stands in for non-JSON bodies such as a proxy's HTML error page.
        res.writeHead(fault.status, { 'content-type': 'text/plain; charset=utf-8' });
        res.end(fault.body);
      } else {
        sendJson(res, fault.status, fault.body ?? errorBody(`Scripted status ${fault.status}`, 'test_fault', null));
      }
      return;
  }
}

function sendMalformed(res: ServerResponse, stream: boolean): void {
  const broken = '{"id":"chatcmpl-malformed","object":';
  if (stream) {
    // A stream with a non-JSON data line: what a broken proxy in the middle produces.
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    res.end(`data: ${broken}\n\ndata: [DONE]\n\n`);
    return;
  }
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(broken) });
  res.end(broken);
}

/** Announces the full body length, sends half of it, then kills the socket. */
export function sendTruncatedJson(res: ServerResponse, value: unknown): void {
  const text = Buffer.from(JSON.stringify(value));
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': text.length });
  res.write(text.subarray(0, Math.floor(text.length / 2)), () => res.destroy());
}
