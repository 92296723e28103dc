import type { ImportProblem } from '../contract/role-card';

// Problems found while reading an import, each pointing at file, line or record, and field.
// Reading goes on after a problem so one pass reports every mistake in the file; any
// problem refuses the whole import.

export const MAX_REPORTED_PROBLEMS = 500;

/** Where a record came from, so every message about it can point there. */
export interface Place {
  file: string;
  line?: number;
  record?: number;
}

/** Problems as plain data: the first MAX_REPORTED_PROBLEMS in reading order, and how many more. */
export interface ProblemList {
  list: ImportProblem[];
  more: number;
}

export class Problems {
  readonly list: ImportProblem[] = [];
  more = 0;

  static from(data: ProblemList): Problems {
    const problems = new Problems();
    problems.list.push(...data.list);
    problems.more = data.more;
    return problems;
  }

  data(): ProblemList {
    return { list: this.sorted(), more: this.more };
  }

  add(place: Place, reason: string, field?: string): void {
    if (this.list.length >= MAX_REPORTED_PROBLEMS) {
      this.more++;
      return;
    }
    this.list.push({ ...place, ...(field ? { field } : {}), reason });
  }

  /** In reading order: by file (numbered files numerically), then line, then record. */
  sorted(): ImportProblem[] {
    const order = (p: ImportProblem) => [p.line ?? 0, p.record ?? -1];
    return [...this.list].sort((a, b) => {
      const byFile = a.file.localeCompare(b.file, 'en', { numeric: true });
      if (byFile !== 0) return byFile;
      const [la, ra] = order(a);
      const [lb, rb] = order(b);
      return la! - lb! || ra! - rb!;
    });
  }

  get count(): number {
    return this.list.length + this.more;
  }
}

/** "cards.csv line 4, record 3, field age: …" — one line a person can act on. */
export function describeProblem(p: ImportProblem): string {
  const where = [p.file, p.line !== undefined ? `line ${p.line}` : '', p.record !== undefined ? `record ${p.record}` : '']
    .filter(Boolean)
    .join(' ');
  return `${where}${p.field ? ` (${p.field})` : ''}: ${p.reason}`;
}
