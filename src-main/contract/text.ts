// Characters no stored text may hold: control characters other than tab and line breaks (C0,
// DEL, C1) and lone surrogates (half of a UTF-16 pair, which is no character at all). They
// arrive as JSON escapes (`\u0000`), are invisible in every view, and break the tools the
// texts are exported to.

const forbidden = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\uD800-\uDFFF]/u;

export interface ForbiddenCharacter {
  /** 1-based, in characters (code points). */
  position: number;
  /** U+0000 */
  name: string;
}

/** The first forbidden character of a text, or null. */
export function forbiddenCharacter(text: string): ForbiddenCharacter | null {
  const m = forbidden.exec(text);
  if (!m) return null;
  const cp = m[0].codePointAt(0)!;
  return { position: [...text.slice(0, m.index)].length + 1, name: `U+${cp.toString(16).toUpperCase().padStart(4, '0')}` };
}

export function describeForbidden(f: ForbiddenCharacter): string {
  return `holds the control character ${f.name} at character ${f.position}; only tab and line breaks are allowed`;
}

/** For zod `.refine`: true when the text holds no forbidden character. */
export const isPlainText = (text: string): boolean => !forbidden.test(text);

export const plainTextIssue = { message: 'Remove the control characters: only tab and line breaks are allowed' };
