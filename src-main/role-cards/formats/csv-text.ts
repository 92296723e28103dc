// CSV as spreadsheet programs write it (RFC 4180): fields separated by a delimiter, quoted
// with " when they hold the delimiter, a quote ("" inside) or a line break; CRLF or LF rows.
// A quote opened and never closed is an error naming the line it opened on, because
// everything after it would otherwise be swallowed into one cell.
//
// Formula guard (OWASP, "CSV injection"): a cell starting with = + - @, a tab or a carriage
// return is run as a formula when Excel or LibreOffice opens the file, so it is written with a
// leading ' (which they show as text). So that our own import can take the guard off again and
// CSV → import → CSV is byte-identical, a value that itself starts with ' is guarded too, and
// the reader removes one leading ' from a cell whose rest starts with any of those characters.

export interface CsvRow {
  /** 1-based line the row starts on. */
  line: number;
  cells: string[];
}

export type CsvParse = { ok: true; rows: CsvRow[] } | { ok: false; line: number; reason: string };

/** The delimiter the header line uses most: comma, semicolon (some European Excel) or tab. */
export function guessDelimiter(text: string): string {
  const header = text.slice(0, text.search(/\r?\n|$/));
  const count = (d: string) => header.split(d).length - 1;
  const candidates = [',', ';', '\t'].map((d) => ({ d, n: count(d) }));
  const best = candidates.reduce((a, b) => (b.n > a.n ? b : a));
  return best.n > 0 ? best.d : ',';
}

export function parseCsv(text: string, delimiter: string): CsvParse {
  const rows: CsvRow[] = [];
  let cells: string[] = [];
  let cell = '';
  let line = 1;
  let rowLine = 1;
  let quoted = false;
  let quoteLine = 0;
  let atCellStart = true;
  const endCell = () => {
    cells.push(unguard(cell));
    cell = '';
    atCellStart = true;
  };
  const endRow = () => {
    endCell();
    rows.push({ line: rowLine, cells });
    cells = [];
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          cell += '"';
          i++;
        } else quoted = false;
      } else {
        if (c === '\n') line++;
        cell += c;
      }
      continue;
    }
    if (c === '"' && atCellStart) {
      quoted = true;
      quoteLine = line;
      atCellStart = false;
    } else if (c === delimiter) endCell();
    else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      endRow();
      line++;
      rowLine = line;
    } else {
      // A quote inside an unquoted cell is kept as a character, as spreadsheets do.
      cell += c;
      atCellStart = false;
    }
  }
  if (quoted) {
    return { ok: false, line: quoteLine, reason: 'A quoted cell opened on this line is never closed (unbalanced ")' };
  }
  if (cell !== '' || cells.length > 0) endRow();
  return { ok: true, rows };
}

const formulaStart = /^[=+\-@\t\r']/;

/** The value as written to a cell: with a leading ' when a spreadsheet could run it. */
export const guard = (value: string): string => (formulaStart.test(value) ? `'${value}` : value);

/** The value a guarded cell holds; any other cell as it is. */
export const unguard = (cell: string): string => (cell.startsWith("'") && formulaStart.test(cell.slice(1)) ? cell.slice(1) : cell);

const needsQuotes = (s: string, delimiter: string) => s.includes(delimiter) || /["\r\n]/.test(s) || s !== s.trim();

export function csvCell(value: string, delimiter = ','): string {
  const cell = guard(value);
  return needsQuotes(cell, delimiter) ? `"${cell.replace(/"/g, '""')}"` : cell;
}

/** Rows as Excel expects them: CRLF line ends. */
export function writeCsvRows(rows: string[][], delimiter = ','): string {
  return rows.map((r) => r.map((c) => csvCell(c, delimiter)).join(delimiter)).join('\r\n').concat('\r\n');
}
