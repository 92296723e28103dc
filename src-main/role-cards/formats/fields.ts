import { AGE_MAX, AGE_MIN } from '../../contract/role-card';
import type { Place, Problems } from '../import-report';
import { acceptedLevelWords, parseLevel, parseRating } from '../levels';

// What every reader shares: a record being read, the problems found in it, and the
// lenient readings of values people write by hand (an age of "25岁", a level of "中高",
// a trait as "中等。描述"). Strict checks (types, lengths, ranges) are the model's, applied
// afterwards; paths already reported here are not reported twice.

/** A card read from a file, before validation: `candidate` has the model's shape. */
export interface ReadCard {
  place: Place;
  candidate: Record<string, unknown>;
  /** Model paths (e.g. `bigFive.openness`) a reader already complained about. */
  reported: Set<string>;
  /** Turns a model path into the name the file uses for it (a CSV column, a paper label). */
  fieldName: (path: string) => string;
  /** The line a field is on, where the format knows it (a paper card). */
  lineOf?: (path: string) => number | undefined;
  createdAt?: string;
  updatedAt?: string;
}

export class RecordReader {
  constructor(
    readonly place: Place,
    private readonly problems: Problems,
    readonly fieldName: (path: string) => string,
    readonly reported = new Set<string>(),
  ) {}

  /** The same record, with problems pointing at one line of it. */
  atLine(line: number | undefined): RecordReader {
    if (line === undefined) return this;
    return new RecordReader({ ...this.place, line }, this.problems, this.fieldName, this.reported);
  }

  complain(path: string, reason: string): void {
    this.reported.add(path);
    this.problems.add(this.place, reason, this.fieldName(path));
  }

  /** A number, or text such as "25", "25岁", "25 years old"; anything else is reported. */
  age(raw: unknown, path = 'age'): unknown {
    if (typeof raw !== 'string') return raw;
    const m = /^\s*(\d{1,3})\s*(岁|周岁|years?(\s+old)?|yrs?|y\.?o\.?)?\s*$/iu.exec(raw.normalize('NFKC'));
    if (m) return Number(m[1]);
    const shown = raw.trim() === '' ? 'nothing' : `'${raw.trim().slice(0, 20)}'`;
    this.complain(path, `Age must be a whole number of years from ${AGE_MIN} to ${AGE_MAX} (such as 25 or 25岁), got ${shown}`);
    return undefined;
  }

  /** A level word in any accepted spelling; unknown words are reported with the accepted list. */
  level(raw: unknown, path: string): unknown {
    if (typeof raw !== 'string') return raw;
    const level = parseLevel(raw);
    if (level) return level;
    const shown = raw.trim() === '' ? 'nothing' : `'${raw.trim().slice(0, 20)}'`;
    this.complain(path, `Unknown level ${shown}: use ${acceptedLevelWords}`);
    return undefined;
  }

  /** A rating as { level, description }, or as one text "中等。描述". */
  rating(raw: unknown, path: string): unknown {
    if (typeof raw === 'string') {
      const parsed = parseRating(raw);
      if ('error' in parsed) {
        this.complain(path, parsed.error);
        return undefined;
      }
      return parsed;
    }
    if (raw && typeof raw === 'object' && !Array.isArray(raw)) {
      const r = raw as Record<string, unknown>;
      return { ...r, level: this.level(r.level, `${path}.level`) };
    }
    return raw;
  }

  done(candidate: Record<string, unknown>, extra: Partial<Pick<ReadCard, 'createdAt' | 'updatedAt' | 'lineOf'>> = {}): ReadCard {
    return { place: this.place, candidate, reported: this.reported, fieldName: this.fieldName, ...extra };
  }
}
