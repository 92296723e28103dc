import { traits, type CardFilter, type CardListInput } from '../contract/role-card';

// The pool's filters as one SQL WHERE clause over `role_cards c`, each condition an indexed
// column test. Text search: every word of 3+ characters goes to the trigram FTS index
// (substring match, so Chinese needs no segmenter); shorter words, which a trigram index
// cannot look up, are matched with LIKE over the same texts: a scan, tens of milliseconds
// at 10,000 cards, less when other filters narrow the rows first.

export interface CardQuery {
  /** `WITH hits AS MATERIALIZED (…)` when ranking by relevance (binds `f.rank` through `join`). */
  with: string;
  join: string;
  where: string;
  /** In the order they appear in the SQL: the WITH clause's first. */
  params: unknown[];
  ranked: boolean;
}

const searchable = [
  'chief_complaint', 'gender', 'age', 'education', 'occupation', 'marital_status', 'family_relationships',
  ...traits, 'resistance', 'extras',
];

const likePattern = (word: string) => `%${word.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`;

/**
 * The filter as SQL. Words of 3+ characters select through the FTS index (an IN subquery, or
 * a materialised CTE joined in when ranking, which SQLite then evaluates once); shorter words
 * are tested column by column, which stops at the first column that holds the word.
 */
export function buildCardQuery(filter: CardFilter, rank = false): CardQuery {
  const conditions: string[] = [];
  const params: unknown[] = [];
  let withClause = '';
  let join = '';
  const words = (filter.query ?? '').split(/\s+/u).filter(Boolean);
  const indexed = words.filter((w) => [...w].length >= 3);
  const short = words.filter((w) => [...w].length < 3);
  /** A word anywhere in the card's texts, tested column by column. */
  const scan = (word: string) => {
    params.push(...searchable.map(() => likePattern(word)));
    return `(${searchable.map((c) => `c.${c} LIKE ? ESCAPE '\\'`).join(' OR ')})`;
  };
  if (indexed.length > 0) {
    const match = indexed.map((w) => `"${w.replace(/"/g, '""')}"`).join(' AND ');
    // Cards not yet in the index (a large import catching up) are scanned instead.
    const pending = () => `(c.id IN (SELECT card_id FROM role_card_fts_pending) AND ${indexed.map(scan).join(' AND ')})`;
    if (rank) {
      withClause = 'WITH hits AS MATERIALIZED (SELECT rowid AS id, bm25(role_card_fts) AS rank FROM role_card_fts WHERE role_card_fts MATCH ?)';
      join = 'LEFT JOIN hits f ON f.id = c.id';
      params.push(match);
      conditions.push(`(f.id IS NOT NULL OR ${pending()})`);
    } else {
      params.push(match);
      conditions.push(`(c.id IN (SELECT rowid FROM role_card_fts WHERE role_card_fts MATCH ?) OR ${pending()})`);
    }
  }
  for (const word of short) conditions.push(scan(word));
  const equal = (column: string, value: unknown) => {
    if (value === undefined) return;
    conditions.push(`c.${column} = ?`);
    params.push(value);
  };
  equal('split', filter.split);
  equal('language', filter.language);
  equal('gender_key', filter.gender);
  // An age filter keeps the cards whose age (or age range, "30多岁" = 30–39) reaches into it.
  if (filter.ageMin !== undefined) {
    conditions.push('c.age_max >= ?');
    params.push(filter.ageMin);
  }
  if (filter.ageMax !== undefined) {
    conditions.push('c.age_min <= ?');
    params.push(filter.ageMax);
  }
  for (const tag of filter.tags ?? []) {
    conditions.push('c.id IN (SELECT card_id FROM role_card_tags WHERE tag = ?)');
    params.push(tag);
  }
  const anyOf = (column: string, values: readonly string[] | undefined) => {
    if (!values || values.length === 0) return;
    conditions.push(`c.${column} IN (${values.map(() => '?').join(', ')})`);
    params.push(...values);
  };
  for (const t of traits) anyOf(`${t}_level`, filter.traits?.[t]);
  anyOf('resistance_level', filter.resistance);
  if (filter.sameComplaint) {
    conditions.push('EXISTS (SELECT 1 FROM role_cards d WHERE d.complaint_key = c.complaint_key AND d.id <> c.id)');
  }
  return {
    with: withClause,
    join,
    where: conditions.length ? `WHERE ${conditions.join(' AND ')}` : '',
    params,
    ranked: rank && indexed.length > 0,
  };
}

export function orderBy(input: Pick<CardListInput, 'sort' | 'order'>, ranked: boolean): string {
  const dir = input.order === 'desc' ? 'DESC' : 'ASC';
  switch (input.sort) {
    case 'relevance':
      // bm25: lower is better, so ascending is best first.
      // Cards found by scanning (not yet indexed) have no rank and come last.
      return ranked ? `ORDER BY f.rank IS NULL, f.rank ${dir}, c.id` : `ORDER BY c.id ${dir}`;
    case 'age':
      // Cards naming no age come last either way.
      return `ORDER BY c.age_min IS NULL, c.age_min ${dir}, c.age_max ${dir}, c.id ${dir}`;
    case 'createdAt':
      return `ORDER BY c.created_at ${dir}, c.id ${dir}`;
    case 'updatedAt':
      return `ORDER BY c.updated_at ${dir}, c.id ${dir}`;
    default:
      return `ORDER BY c.id ${dir}`;
  }
}
