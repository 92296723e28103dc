import http from 'node:http';
import https from 'node:https';
import OpenAI from 'openai';
import { VERSION } from 'openai/version';
import { isTunnelPlaceholder, throughTunnel } from './tunnel';

// Streamed chat completions, sent over node:http(s) and read as server-sent events here
// instead of through the openai SDK. The SDK's streaming costs more CPU than the whole rest
// of a simulated call: undici's fetch, web streams and three async generators per event
// (docs/simulation.md, "Performance", has the profiles). This is the only request the app
// sends without the SDK, and it is the SDK's request all the same: the URL and the key come
// from the endpoint's openai client, and every failure is the error the SDK would throw
// (APIError.generate for a status, APIConnectionError before an answer), so failure.ts
// classifies both paths alike. Whole answers, embeddings and model lists stay on the SDK.
//
// Per event: one JSON.parse and a callback, synchronously, for all the events of a network
// read; no promise, no stream object, no copy of the bytes.

/** The connection broke after the answer had started: what streamed is incomplete. */
export class AnswerCutOff extends Error {
  constructor(override readonly cause: unknown) {
    super('the connection closed before the answer ended');
    this.name = 'AnswerCutOff';
  }
}

// Keep-alive, as fetch does: a simulation makes thousands of calls on a few hundred
// connections. Idle sockets do not keep the process alive, and are let go before the
// server's announced Keep-Alive timeout (Node's agent reads it).
const agents = { 'http:': new http.Agent({ keepAlive: true }), 'https:': new https.Agent({ keepAlive: true }) };

// The ports fetch refuses to connect to (the Fetch standard's "bad ports", undici's list):
// refused here too, so an endpoint on one fails alike streamed or not ('bad_url', failure.ts).
const badPorts = new Set([
  1, 7, 9, 11, 13, 15, 17, 19, 20, 21, 22, 23, 25, 37, 42, 43, 53, 69, 77, 79, 87, 95, 101, 102, 103, 104, 109, 110, 111, 113, 115, 117, 119, 123, 135,
  137, 139, 143, 161, 179, 389, 427, 465, 512, 513, 514, 515, 526, 530, 531, 532, 540, 548, 554, 556, 563, 587, 601, 636, 989, 990, 993, 995, 1719,
  1720, 1723, 2049, 3659, 4045, 4190, 5060, 5061, 6000, 6566, 6665, 6666, 6667, 6668, 6669, 6679, 6697, 10080,
]);

interface Route {
  url: URL;
  blocked: boolean;
  send: typeof http.request;
  agent: http.Agent;
  headers: Record<string, string>;
}

/** Built once per openai client: its URL for the path and its key, as the SDK would send them. */
const routes = new WeakMap<OpenAI, Map<string, Route>>();

function routeOf(openai: OpenAI, path: string): Route {
  let byPath = routes.get(openai);
  if (!byPath) routes.set(openai, (byPath = new Map()));
  let route = byPath.get(path);
  if (!route) {
    const url = new URL(openai.buildURL(path, null));
    const secure = url.protocol === 'https:';
    route = {
      url,
      blocked: url.port !== '' && badPorts.has(Number(url.port)),
      send: secure ? https.request : http.request,
      agent: agents[secure ? 'https:' : 'http:'],
      headers: {
        accept: 'application/json',
        'content-type': 'application/json',
        'user-agent': `OpenAI/JS ${VERSION}`,
        ...(openai.apiKey ? { authorization: `Bearer ${openai.apiKey}` } : {}),
      },
    };
    byPath.set(path, route);
  }
  return route;
}

/**
 * POSTs `body` to `path` of the client's base URL and hands each event's JSON to `onEvent`
 * until `[DONE]` or the end of the response. Rejects with the SDK's error for a status or a
 * connection that failed, `AnswerCutOff` for one that broke mid-answer, a SyntaxError for an
 * event that is not JSON, or the signal's reason once it aborts; whatever `onEvent` throws
 * ends the request too.
 */
export function postEventStream(openai: OpenAI, path: string, body: unknown, signal: AbortSignal, onEvent: (data: unknown) => void): Promise<void> {
  if (signal.aborted) return Promise.reject(signal.reason);
  const route = routeOf(openai, path);
  if (isTunnelPlaceholder(route.url)) {
    // An endpoint behind an SSH tunnel: its local port is known once the tunnel is open, and stays for the process.
    return throughTunnel(route.url).then((url) => {
      route.url = url;
      return postEventStream(openai, path, body, signal, onEvent);
    });
  }
  if (route.blocked) return Promise.reject(new OpenAI.APIConnectionError({ cause: new Error('bad port') }));
  const payload = JSON.stringify(body);
  return new Promise<void>((resolve, reject) => {
    let settled = false;
    const settle = (error?: unknown) => {
      if (settled) return;
      settled = true;
      signal.removeEventListener('abort', onAbort);
      if (error === undefined) resolve();
      else {
        request.destroy();
        reject(error);
      }
    };
    const onAbort = () => settle(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });

    const request = route.send(route.url, { method: 'POST', agent: route.agent, headers: { ...route.headers, 'content-length': Buffer.byteLength(payload) } }, (response) => {
      response.setEncoding('utf8');
      const status = response.statusCode ?? 0;
      if (status < 200 || status > 299) {
        let text = '';
        response.on('data', (piece: string) => (text += piece));
        response.on('end', () => settle(statusError(status, text, response.headers)));
        response.on('error', (error) => settle(new OpenAI.APIConnectionError({ cause: error })));
        return;
      }
      const events = new EventReader((data) => {
        if (data.startsWith('[DONE]')) return false;
        const parsed = JSON.parse(data) as { error?: unknown } | null;
        // An error sent as an event, as the SDK reads it.
        if (parsed && parsed.error) throw new OpenAI.APIError(undefined, parsed.error as object, undefined, headersOf(response.headers));
        onEvent(parsed);
        return true;
      });
      response.on('data', (piece: string) => {
        if (settled) return;
        try {
          if (!events.read(piece)) settle();
        } catch (error) {
          settle(error);
        }
      });
      response.on('end', () => {
        try {
          events.end();
          settle();
        } catch (error) {
          settle(error);
        }
      });
      response.on('error', (error) => settle(new AnswerCutOff(error)));
      response.on('close', () => {
        if (!response.complete) settle(new AnswerCutOff(new Error('aborted')));
      });
    });
    request.on('error', (error) => settle(new OpenAI.APIConnectionError({ cause: error })));
    request.end(payload);
  });
}

function headersOf(raw: http.IncomingHttpHeaders): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(raw)) {
    if (typeof value === 'string') headers.set(name, value);
    else if (Array.isArray(value)) for (const v of value) headers.append(name, v);
  }
  return headers;
}

/** The SDK's error for a status, from the body as the SDK reads it (JSON, else the text). */
function statusError(status: number, text: string, raw: http.IncomingHttpHeaders): InstanceType<typeof OpenAI.APIError> {
  let json: object | undefined;
  try {
    json = JSON.parse(text) as object;
  } catch {
    json = undefined;
  }
  return OpenAI.APIError.generate(status, json, json ? undefined : text, headersOf(raw));
}

/**
 * Server-sent events, as the SDK decodes them: events end at a blank line (\n, \r\n or \r
 * line ends), `data:` lines of one event are joined by \n, comments and other fields are
 * skipped. `onData` returns false to stop (`[DONE]`); `read` returns false once stopped.
 */
export class EventReader {
  private pending = '';
  private stopped = false;

  constructor(private readonly onData: (data: string) => boolean) {}

  read(text: string): boolean {
    if (this.stopped) return false;
    let buffer = this.pending + text;
    // A \r at the very end may be the first half of a \r\n: keep it for the next piece.
    if (buffer.includes('\r')) {
      const last = buffer.endsWith('\r') ? '\r' : '';
      buffer = buffer.slice(0, buffer.length - last.length).replace(/\r\n?/g, '\n') + last;
    }
    let start = 0;
    for (let end = buffer.indexOf('\n\n'); end !== -1; end = buffer.indexOf('\n\n', start)) {
      const event = buffer.slice(start, end);
      start = end + 2;
      if (!this.event(event)) {
        this.stopped = true;
        this.pending = '';
        return false;
      }
    }
    this.pending = buffer.slice(start);
    return true;
  }

  /** The response ended: an event not closed by a blank line still counts, as in the SDK. */
  end(): void {
    if (!this.stopped && this.pending.trim() !== '') this.event(this.pending.replace(/\r$/, ''));
    this.pending = '';
    this.stopped = true;
  }

  private event(block: string): boolean {
    // The common case: one `data: {...}` line.
    if (block.startsWith('data: ') && !block.includes('\n')) return this.onData(block.slice(6));
    let data: string | null = null;
    for (const line of block.split('\n')) {
      if (line === '' || line.startsWith(':')) continue;
      const colon = line.indexOf(':');
      const field = colon === -1 ? line : line.slice(0, colon);
      if (field !== 'data') continue;
      let value = colon === -1 ? '' : line.slice(colon + 1);
      if (value.startsWith(' ')) value = value.slice(1);
      data = data === null ? value : `${data}\n${value}`;
    }
    // An event without data (a keep-alive `event: ping`) carries no chunk.
    return data === null ? true : this.onData(data);
  }
}
