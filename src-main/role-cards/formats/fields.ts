import { AGE_MAX, AGE_MIN, acceptedLevelWords, levelLabels, parseLevel, type CardLanguage } from '../../contract/role-card';
import type { Place, Problems } from '../import-report';

// What every reader shares: a record being read, the problems found in it, and the older
// shapes of a card our own files used to carry (version 1 of the JSON format, CSV exports
// before cards kept their values as written): a numeric age and `{ level, description }`
// ratings. Those are turned into the text today's export of that card would have written
// ("25岁", "中等偏高。描述"). Strict checks (types, lengths, control characters) are the
// model's, applied afterwards; paths already reported here are not reported twice.

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

/** How an older export wrote a level and its description as one text. */
export function ratingText(level: string, description: string, language: CardLanguage): string {
  return description === '' ? level : `${level}${language === 'zh' ? '。' : '. '}${description}`;
}

export class RecordReader {
  constructor(
    readonly place: Place,
    private readonly problems: Problems,
    readonly fieldName: (path: string) => string,
    readonly reported = new Set<string>(),
  ) {}

  complain(path: string, reason: string): void {
    this.reported.add(path);
    this.problems.add(this.place, reason, this.fieldName(path));
  }

  /** An age as written; an older file's whole number of years becomes "25岁" (zh) or "25" (en). */
  age(raw: unknown, language: CardLanguage): unknown {
    if (typeof raw !== 'number') return raw;
    if (Number.isInteger(raw) && raw >= AGE_MIN && raw <= AGE_MAX) return language === 'zh' ? `${raw}岁` : String(raw);
    this.complain('age', `An age given as a number must be a whole number of years from ${AGE_MIN} to ${AGE_MAX} (got ${raw}); write any other age as text, such as "30多岁"`);
    return undefined;
  }

  /** A trait or the resistance as written; an older file's `{ level, description }` becomes one text. */
  rating(raw: unknown, path: string, language: CardLanguage): unknown {
    if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return raw;
    const { level, description = '', ...rest } = raw as Record<string, unknown>;
    if (Object.keys(rest).length > 0 || typeof description !== 'string') {
      this.complain(path, 'Write the value as text, such as "中等偏高。描述" (an older file may give { "level": …, "description": … })');
      return undefined;
    }
    const key = typeof level === 'string' ? parseLevel(level) : undefined;
    if (!key) {
      const shown = typeof level === 'string' && level.trim() !== '' ? `'${level.trim().slice(0, 20)}'` : 'nothing';
      this.complain(`${path}.level`, `Unknown level ${shown}: use ${acceptedLevelWords}, or write the whole value as text`);
      return undefined;
    }
    return ratingText(levelLabels[language][key], description.trim(), language);
  }

  done(candidate: Record<string, unknown>, extra: Partial<Pick<ReadCard, 'createdAt' | 'updatedAt' | 'lineOf'>> = {}): ReadCard {
    return { place: this.place, candidate, reported: this.reported, fieldName: this.fieldName, ...extra };
  }
}
