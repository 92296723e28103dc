// Positions in JSON text, found by us in one linear pass, never read out of the parser's error
// text: V8's messages differ between Node and Electron versions (some name a position, some do
// not). JSON.parse still builds the values; these only say where things are.
//  - `cardListOffsets`: where each element of the card list starts, in a text JSON.parse accepted.
//  - `jsonSyntaxError`: where and why a text is not JSON, in words a person can act on.
//  - `LineIndex`: the line and column of any offset, built once per text.

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const isSpace = (c: number) => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;

/** Line starts of a text, so that every record's line costs a binary search, not a recount. */
export class LineIndex {
  private readonly starts: number[] = [0];

  constructor(text: string) {
    for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) this.starts.push(i + 1);
  }

  /** 1-based line and column (in UTF-16 units, as editors count) of a character offset. */
  at(offset: number): { line: number; column: number } {
    let low = 0;
    let high = this.starts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (this.starts[mid]! <= offset) low = mid;
      else high = mid - 1;
    }
    return { line: low + 1, column: offset - this.starts[low]! + 1 };
  }
}

/** The offset of the quote that closes the string opening at `open`. */
function stringEnd(text: string, open: number): number {
  let at = open + 1;
  for (;;) {
    at = text.indexOf('"', at);
    if (at === -1) return text.length;
    let backslashes = 0;
    while (text.charCodeAt(at - 1 - backslashes) === BACKSLASH) backslashes++;
    if (backslashes % 2 === 0) return at;
    at++;
  }
}

/**
 * Where each element of the card list starts: the elements of a top-level array, or of the
 * top-level object's "cards" array (our wrapper). Only for text JSON.parse has accepted.
 */
export function cardListOffsets(text: string): number[] {
  const starts: number[] = [];
  const open: number[] = []; // the containers we are in: '{' or '[' char codes
  let listDepth = -1;
  let lastTopString = ''; // in the top-level object, the last key read before a value opens
  let elementNext = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (isSpace(c)) continue;
    if (elementNext) {
      elementNext = false;
      if (c !== 0x5d) starts.push(i);
    }
    if (c === QUOTE) {
      const end = stringEnd(text, i);
      if (open.length === 1 && open[0] === 0x7b) lastTopString = text.slice(i + 1, end);
      i = end;
    } else if (c === 0x7b) open.push(c);
    else if (c === 0x5b) {
      open.push(c);
      if (open.length === 1 || (open.length === 2 && open[0] === 0x7b && lastTopString === 'cards')) {
        listDepth = open.length;
        elementNext = true;
      }
    } else if (c === 0x5d || c === 0x7d) {
      if (open.length === listDepth) listDepth = -1;
      open.pop();
    } else if (c === 0x2c && open.length === listDepth) elementNext = true;
  }
  return starts;
}

export interface JsonSyntaxError {
  /** Character offset of the problem; the text's length when it ends too early. */
  offset: number;
  problem: string;
}

const numberPattern = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const wordPattern = /[A-Za-z_][A-Za-z0-9_]*/y;
const shown = (c: string | undefined) => (c === undefined ? 'the end of the file' : `'${c}'`);

/**
 * The first place where `text` is not JSON (RFC 8259, as JSON.parse reads it), or undefined if
 * it is JSON. One pass, no recursion, so a deeply nested file cannot overflow the stack.
 */
export function jsonSyntaxError(text: string): JsonSyntaxError | undefined {
  const open: ('{' | '[')[] = [];
  let i = 0;
  let expect: 'value' | 'key' | 'after' = 'value';
  let commaAt = -1; // where the comma before this key or value was, for the trailing-comma message
  const end = (): JsonSyntaxError => ({ offset: text.length, problem: 'the text ends early' });
  const fail = (problem: string, offset = i): JsonSyntaxError => ({ offset, problem });

  /** Reads the string at i; undefined when it is well formed. */
  const string = (): JsonSyntaxError | undefined => {
    for (i++; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === QUOTE) {
        i++;
        return undefined;
      }
      if (c === BACKSLASH) {
        const next = text[i + 1];
        if (next === undefined) return end();
        if (next === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) return i + 6 > text.length ? end() : fail("'\\u' must be followed by four hexadecimal digits");
          i += 5;
        } else if ('"\\/bfnrt'.includes(next)) i++;
        else return fail(`unknown escape '\\${next}' in quoted text; write a backslash as \\\\`);
      } else if (c === 0x0a || c === 0x0d) {
        return fail('a line break inside quoted text: a closing " may be missing, or write the line break as \\n');
      } else if (c < 0x20) return fail('a control character inside quoted text; remove it or write it as \\u00XX');
    }
    return end();
  };

  for (;;) {
    while (i < text.length && isSpace(text.charCodeAt(i))) i++;
    const c = text[i];
    if (c === undefined) return expect === 'after' && open.length === 0 ? undefined : end();
    const top = open.at(-1);
    if (expect === 'after') {
      if (top === undefined) return fail(`${shown(c)} after the end of the JSON; a file holds one value (a list or an object)`);
      if (c === ',') {
        commaAt = i++;
        expect = top === '{' ? 'key' : 'value';
      } else if (c === (top === '{' ? '}' : ']')) {
        open.pop();
        i++;
      } else {
        return fail(
          top === '{'
            ? `expected ',' or '}' after a field, found ${shown(c)}: a comma may be missing between two fields`
            : `expected ',' or ']' after an element, found ${shown(c)}: a comma may be missing between two elements`,
        );
      }
      continue;
    }
    const comma = commaAt;
    commaAt = -1;
    if (comma !== -1 && (c === '}' || c === ']')) return fail(`a comma right before '${c}': remove the comma after the last ${c === '}' ? 'field' : 'element'}`, comma);
    if (c === '/') return fail('comments are not allowed in JSON');
    if (expect === 'key') {
      if (c === '}') {
        open.pop();
        i++;
        expect = 'after';
        continue;
      }
      if (c !== '"') {
        return fail(c === "'" ? 'field names need double quotes (") in JSON, not single quotes' : `expected a field name in double quotes, found ${shown(c)}`);
      }
      const bad = string();
      if (bad) return bad;
      while (i < text.length && isSpace(text.charCodeAt(i))) i++;
      if (i >= text.length) return end();
      if (text[i] !== ':') return fail(`expected ':' after the field name, found ${shown(text[i])}`);
      i++;
      expect = 'value';
      continue;
    }
    // expect === 'value'
    expect = 'after';
    if (c === '{') {
      open.push('{');
      i++;
      expect = 'key';
    } else if (c === '[') {
      open.push('[');
      i++;
      while (i < text.length && isSpace(text.charCodeAt(i))) i++;
      if (text[i] === ']') {
        open.pop();
        i++;
      } else expect = 'value';
    } else if (c === '"') {
      const bad = string();
      if (bad) return bad;
    } else if (c === '-' || (c >= '0' && c <= '9')) {
      numberPattern.lastIndex = i;
      const number = numberPattern.exec(text);
      const after = number ? i + number[0].length : i;
      if (!number || /[0-9.eE+\-A-Za-z]/.test(text[after] ?? '')) {
        return after >= text.length ? end() : fail('a number JSON does not allow (such as 01, 1., .5 or +1)');
      }
      i = after;
    } else if (/[A-Za-z_]/.test(c)) {
      wordPattern.lastIndex = i;
      const word = wordPattern.exec(text)![0];
      if (word !== 'true' && word !== 'false' && word !== 'null') {
        if (i + word.length >= text.length && ['true', 'false', 'null'].some((w) => w.startsWith(word))) return end();
        return fail(`unknown word '${word.slice(0, 20)}': JSON writes true, false and null in lower case, and text in double quotes`);
      }
      i += word.length;
    } else if (c === "'") return fail('text needs double quotes (") in JSON, not single quotes');
    else {
      return fail(`expected a value (text in double quotes, a number, true, false, null, a list [ … ] or an object { … }), found ${shown(c)}`);
    }
  }
}
