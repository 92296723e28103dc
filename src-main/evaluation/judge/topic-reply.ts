// The topics a judge's reply names, matched against the topic list. Real replies come as a
// JSON array (bare, in a code fence, inside an object, with Chinese quotes), a numbered or
// bulleted list, or one line separated by commas or 、. A name matches a listed topic when
// equal after NFKC, trimming quotes, brackets and list markers, and ignoring case; "焦虑：…"
// (the topic with its definition) matches 焦虑. Anything else the model names is `outside`:
// counted and shown, never dropped and never forced onto a listed topic. A reply naming no
// topic at all is no answer (the caller retries it, then records it as missing).

export type TopicReading =
  | { ok: true; topics: string[]; outside: string[] }
  | { ok: false; detail: string };

const QUOTES = /^[\s"'“”‘’「」『』《》【】[\]()（）<>*`]+|[\s"'“”‘’「」『』《》【】[\]()（）<>*`。.，,；;!！?？]+$/gu;
const LIST_MARKER = /^\s*(?:[-*•·+]|\d{1,3}\s*[.、)）:：]|[(（]\s*\d{1,3}\s*[)）]|[一二三四五六七八九十]+\s*[、.])\s*/u;
const SEPARATORS = /[,，、;；|]/u;

export const topicKey = (name: string): string => name.normalize('NFKC').replace(QUOTES, '').trim().toLowerCase();

/** The inside of the first code fence, else the reply. */
function unfenced(reply: string): string {
  const fence = /```[a-zA-Z]*\s*\n?([\s\S]*?)```/u.exec(reply);
  return fence ? fence[1]! : reply;
}

/** The names in a JSON array of the reply (strings, or objects naming a topic), or null if it holds none. */
function fromJson(text: string): string[] | null {
  const start = text.indexOf('[');
  const end = text.lastIndexOf(']');
  if (start < 0 || end <= start) return null;
  const candidate = text.slice(start, end + 1).replace(/[“”]/gu, '"');
  let parsed: unknown;
  try {
    parsed = JSON.parse(candidate);
  } catch {
    return null;
  }
  if (!Array.isArray(parsed)) return null;
  const names: string[] = [];
  for (const element of parsed.flat()) {
    if (typeof element === 'string') names.push(element);
    else if (element && typeof element === 'object') {
      const o = element as Record<string, unknown>;
      const name = o.topic ?? o.name ?? o['话题'] ?? o['主题'];
      if (typeof name === 'string') names.push(name);
    }
  }
  return names;
}

/** The names of a list or a separated line: markers stripped, labels ("Topics:") skipped. */
function fromLines(text: string): string[] {
  const names: string[] = [];
  for (const raw of text.split(/\r?\n/u)) {
    const line = raw.replace(LIST_MARKER, '').trim();
    if (line === '' || /[:：]$/u.test(line)) continue;
    names.push(...line.split(SEPARATORS));
  }
  return names;
}

export function readTopics(reply: string, list: readonly string[]): TopicReading {
  const byKey = new Map(list.map((t) => [topicKey(t), t]));
  const text = unfenced(reply.normalize('NFKC'));
  const names = fromJson(text) ?? fromLines(text);
  const topics = new Set<string>();
  const outside = new Set<string>();
  for (const name of names) {
    const key = topicKey(name);
    if (key === '') continue;
    const listed = byKey.get(key) ?? labelled(key, byKey);
    if (listed) topics.add(listed);
    else outside.add(name.normalize('NFKC').replace(QUOTES, '').trim());
  }
  if (topics.size === 0 && outside.size === 0) return { ok: false, detail: 'the reply names no topic' };
  return { ok: true, topics: [...topics], outside: [...outside] };
}

/** "焦虑：持续的紧张…" → 焦虑; "topic: Anxiety" → Anxiety. */
function labelled(key: string, byKey: Map<string, string>): string | undefined {
  const colon = key.search(/[:：]/u);
  if (colon < 0) return undefined;
  return byKey.get(topicKey(key.slice(0, colon))) ?? byKey.get(topicKey(key.slice(colon + 1)));
}
