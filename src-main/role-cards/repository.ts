import {
  ageRangeOf,
  levelOf,
  traits,
  type CardBulkAction,
  type CardFilter,
  type CardListInput,
  type CardUpdateInput,
  type Level,
  type RoleCardFields,
  type RoleCardPage,
  type RoleCardRevision,
  type RoleCardSummary,
  type RoleCardView,
} from '../contract/role-card';
import { DomainError, keyedError, notFound } from '../common/errors';
import { now } from '../common/time';
import type { Db } from '../storage/database';
import { prepared } from '../storage/statements';
import { writeTransaction } from '../storage/transaction';
import { checkFields, complaintKey, contentHash, fieldsOf, genderKey } from './card';
import { buildCardQuery, orderBy } from './query';
import { profileSql005 } from '../storage/migrations/005_cards_as_written';

// Role cards in SQLite: create, read, edit with history, revert, bulk actions, and the
// filtered, sorted, paged list the pool view scrolls through. Every change that alters a
// card first stores the card as it was, so a counselor can read back and revert.

interface CardRow {
  id: number;
  split: RoleCardView['split'];
  language: RoleCardView['language'];
  gender: string;
  gender_key: RoleCardSummary['genderKey'];
  age: string;
  age_min: number | null;
  age_max: number | null;
  education: string;
  occupation: string;
  marital_status: string;
  family_relationships: string;
  openness: string;
  openness_level: Level | null;
  conscientiousness: string;
  conscientiousness_level: Level | null;
  extraversion: string;
  extraversion_level: Level | null;
  agreeableness: string;
  agreeableness_level: Level | null;
  neuroticism: string;
  neuroticism_level: Level | null;
  resistance: string;
  resistance_level: Level | null;
  extras: string;
  chief_complaint: string;
  source: string;
  created_at: string;
  updated_at: string;
}

/** The card's hashes, when the caller has computed them already (an import has). */
export interface CardKeys {
  contentHash: string;
  complaintKey: string;
}

/** Column values for a card; the derived keys and readings are computed here and nowhere else. */
function columnsOf(card: RoleCardFields, keys?: CardKeys): Record<string, string | number | null> {
  const age = ageRangeOf(card.age);
  const values: Record<string, string | number | null> = {
    split: card.split,
    language: card.language,
    gender: card.gender,
    gender_key: genderKey(card.gender),
    age: card.age,
    age_min: age?.min ?? null,
    age_max: age?.max ?? null,
    education: card.education,
    occupation: card.occupation,
    marital_status: card.maritalStatus,
    family_relationships: card.familyRelationships,
    resistance: card.resistance,
    resistance_level: levelOf(card.resistance),
    extras: JSON.stringify(card.extras),
    chief_complaint: card.chiefComplaint,
    complaint_key: keys?.complaintKey ?? complaintKey(card.chiefComplaint),
    content_hash: keys?.contentHash ?? contentHash(card),
    source: card.source,
  };
  for (const t of traits) {
    values[t] = card.bigFive[t];
    values[`${t}_level`] = levelOf(card.bigFive[t]);
  }
  return values;
}

/** What the search index holds besides the complaint (as migration 005's update trigger). */
const searchableProfile = profileSql005('role_cards');

const cardColumns = Object.keys(
  columnsOf({
    gender: '',
    age: '',
    education: '',
    occupation: '',
    maritalStatus: '',
    familyRelationships: '',
    bigFive: Object.fromEntries(traits.map((t) => [t, ''])) as RoleCardFields['bigFive'],
    resistance: '',
    extras: [],
    chiefComplaint: '',
    split: 'pool',
    language: 'zh',
    tags: [],
    source: '',
  }),
);

function toView(row: CardRow, tags: string[]): RoleCardView {
  return {
    id: row.id,
    gender: row.gender,
    age: row.age,
    education: row.education,
    occupation: row.occupation,
    maritalStatus: row.marital_status,
    familyRelationships: row.family_relationships,
    bigFive: Object.fromEntries(traits.map((t) => [t, row[t]])) as RoleCardView['bigFive'],
    resistance: row.resistance,
    extras: JSON.parse(row.extras) as RoleCardView['extras'],
    chiefComplaint: row.chief_complaint,
    split: row.split,
    language: row.language,
    tags,
    source: row.source,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

const invalid = (issues: { path: string; message: string }[]) =>
  new DomainError('validation', `The card is not valid: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`, issues);

/** Tags sort by code point in JS and in every view, so exports are stable. */
const sortTags = (tags: string[]) => [...tags].sort();

export class RoleCardRepository {
  constructor(private readonly db: Db) {}

  get(id: number): RoleCardView {
    const row = prepared(this.db, 'SELECT * FROM role_cards WHERE id = ?').get(id) as CardRow | undefined;
    if (!row) throw notFound('roleCard', id);
    return toView(row, this.tagsOf(id));
  }

  count(): number {
    return (this.db.prepare('SELECT count(*) AS n FROM role_cards').get() as { n: number }).n;
  }

  /** Checks the card against the model (trimming texts, ordering tags) and stores it. */
  create(card: RoleCardFields): RoleCardView {
    const checked = checkFields(card);
    if (!checked.ok) throw invalid(checked.issues);
    return this.get(this.insertMany([{ card: checked.card }])[0]!);
  }

  /**
   * Writes checked cards in one transaction. They join the search index at once, or with
   * `deferIndex` (large imports) are listed as pending for `indexPending` to add later;
   * searches scan pending cards, so they are found either way. Times default to now.
   */
  insertMany(
    cards: { card: RoleCardFields; times?: { createdAt?: string; updatedAt?: string }; keys?: CardKeys }[],
    options: { deferIndex?: boolean } = {},
  ): number[] {
    return writeTransaction(this.db, () => {
      const ids = cards.map((c) => this.insertRow(c.card, c.times, c.keys));
      const list = JSON.stringify(ids);
      if (options.deferIndex) prepared(this.db, 'INSERT INTO role_card_fts_pending (card_id) SELECT value FROM json_each(?)').run(list);
      else this.index(list);
      return ids;
    });
  }

  /** Adds up to `max` pending cards to the search index, in one transaction; returns how many. */
  indexPending(max = 500): number {
    return writeTransaction(this.db, () => {
      const ids = (prepared(this.db, 'SELECT card_id FROM role_card_fts_pending ORDER BY card_id LIMIT ?').all(max) as { card_id: number }[]).map(
        (r) => r.card_id,
      );
      if (ids.length === 0) return 0;
      const list = JSON.stringify(ids);
      this.index(list);
      prepared(this.db, 'DELETE FROM role_card_fts_pending WHERE card_id IN (SELECT value FROM json_each(?))').run(list);
      return ids.length;
    });
  }

  isOpen(): boolean {
    return this.db.open;
  }

  pendingCount(): number {
    return (prepared(this.db, 'SELECT count(*) AS n FROM role_card_fts_pending').get() as { n: number }).n;
  }

  /** Adds the listed cards (a JSON array of ids) to the search index in one statement. */
  private index(ids: string): void {
    prepared(
      this.db,
      `INSERT INTO role_card_fts (rowid, complaint, profile)
       SELECT id, chief_complaint, ${searchableProfile} FROM role_cards WHERE id IN (SELECT value FROM json_each(?))`,
    ).run(ids);
  }

  private insertRow(card: RoleCardFields, times: { createdAt?: string; updatedAt?: string } = {}, keys?: CardKeys): number {
    const values = columnsOf(card, keys);
    const stamp = now();
    const created = times.createdAt ?? stamp;
    const info = prepared(
      this.db,
      `INSERT INTO role_cards (${cardColumns.join(', ')}, created_at, updated_at) VALUES (${cardColumns.map(() => '?').join(', ')}, ?, ?)`,
    ).run(...cardColumns.map((c) => values[c]), created, times.updatedAt ?? (times.createdAt ? created : stamp));
    const id = Number(info.lastInsertRowid);
    const addTag = prepared(this.db, 'INSERT OR IGNORE INTO role_card_tags (card_id, tag) VALUES (?, ?)');
    for (const tag of card.tags) addTag.run(id, tag);
    return id;
  }

  /** Ids of cards whose content (the nine elements and language) equals this hash. */
  idsWithContent(hash: string): number[] {
    return (prepared(this.db, 'SELECT id FROM role_cards WHERE content_hash = ? ORDER BY id').all(hash) as { id: number }[]).map((r) => r.id);
  }

  /** Ids of cards telling the same complaint (spacing and punctuation ignored). */
  idsWithComplaint(key: string): number[] {
    return (prepared(this.db, 'SELECT id FROM role_cards WHERE complaint_key = ? ORDER BY id').all(key) as { id: number }[]).map((r) => r.id);
  }

  update(input: CardUpdateInput): RoleCardView {
    return writeTransaction(this.db, () => {
      const current = this.get(input.id);
      if (input.ifUpdatedAt !== undefined && input.ifUpdatedAt !== current.updatedAt) {
        throw keyedError(
          'conflict',
          'cardEditedElsewhere',
          { id: input.id, at: current.updatedAt },
          `Role card ${input.id} was saved elsewhere at ${current.updatedAt}, after you opened it. Reload it and make your change again.`,
        );
      }
      const { id: _id, reason, ifUpdatedAt: _if, bigFive, ...patch } = input;
      const checked = checkFields(
        fieldsOf({
          ...current,
          ...Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)),
          bigFive: { ...current.bigFive, ...Object.fromEntries(Object.entries(bigFive ?? {}).filter(([, v]) => v !== undefined)) },
        } as RoleCardFields),
      );
      if (!checked.ok) throw invalid(checked.issues);
      this.replace(input.id, current, checked.card, reason || 'edited');
      return this.get(input.id);
    });
  }

  /** Saves `before` as a revision and writes `next`; nothing happens when they are equal. */
  private replace(id: number, before: RoleCardView, after: RoleCardFields, reason: string): boolean {
    const previous = fieldsOf(before);
    const next = fieldsOf(after);
    if (JSON.stringify(previous) === JSON.stringify(next)) return false;
    prepared(this.db, 'INSERT INTO role_card_revisions (card_id, snapshot, reason, created_at) VALUES (?, ?, ?, ?)').run(
      id,
      JSON.stringify(previous),
      reason,
      now(),
    );
    const values = columnsOf(next);
    prepared(this.db, `UPDATE role_cards SET ${cardColumns.map((c) => `${c} = ?`).join(', ')}, updated_at = ? WHERE id = ?`).run(
      ...cardColumns.map((c) => values[c]),
      now(),
      id,
    );
    if (JSON.stringify(previous.tags) !== JSON.stringify(next.tags)) {
      prepared(this.db, 'DELETE FROM role_card_tags WHERE card_id = ?').run(id);
      const addTag = prepared(this.db, 'INSERT OR IGNORE INTO role_card_tags (card_id, tag) VALUES (?, ?)');
      for (const tag of next.tags) addTag.run(id, tag);
    }
    return true;
  }

  remove(id: number): void {
    if (this.db.prepare('DELETE FROM role_cards WHERE id = ?').run(id).changes === 0) throw notFound('roleCard', id);
  }

  /** Newest first: each entry is the card as it was before the change it names. */
  history(id: number): RoleCardRevision[] {
    this.get(id);
    const rows = this.db
      .prepare('SELECT id, card_id, snapshot, reason, created_at FROM role_card_revisions WHERE card_id = ? ORDER BY id DESC')
      .all(id) as { id: number; card_id: number; snapshot: string; reason: string; created_at: string }[];
    return rows.map((r) => ({ id: r.id, cardId: r.card_id, createdAt: r.created_at, reason: r.reason, card: this.snapshot(r.snapshot) }));
  }

  /** Puts a card back as it was in a revision; the current state becomes a revision itself. */
  revert(id: number, revisionId: number): RoleCardView {
    return writeTransaction(this.db, () => {
      const current = this.get(id);
      const row = this.db.prepare('SELECT snapshot, created_at FROM role_card_revisions WHERE id = ? AND card_id = ?').get(revisionId, id) as
        | { snapshot: string; created_at: string }
        | undefined;
      if (!row) throw keyedError('not_found', 'revisionNotFound', { revision: revisionId, card: id }, `Revision ${revisionId} of role card ${id} was not found; it may have been removed. Refresh and try again.`);
      this.replace(id, current, this.snapshot(row.snapshot), `reverted to the version before ${row.created_at}`);
      return this.get(id);
    });
  }

  private snapshot(json: string): RoleCardFields {
    const checked = checkFields(JSON.parse(json));
    if (!checked.ok) throw new DomainError('conflict', 'This revision cannot be read back (it was saved in an unknown form).');
    return checked.card;
  }

  /**
   * One page of the pool. The page's ids and the total come from one pass over the matching
   * rows (a window count); the summaries are then read for those ids only.
   */
  list(input: CardListInput): RoleCardPage {
    const q = buildCardQuery(input, input.sort === 'relevance');
    const page = this.db
      .prepare(`${q.with} SELECT c.id, count(*) OVER () AS total FROM role_cards c ${q.join} ${q.where} ${orderBy(input, q.ranked)} LIMIT ? OFFSET ?`)
      .all(...q.params, input.limit, input.offset) as { id: number; total: number }[];
    const total =
      page[0]?.total ??
      (input.offset === 0 ? 0 : (this.db.prepare(`${q.with} SELECT count(*) AS n FROM role_cards c ${q.join} ${q.where}`).get(...q.params) as { n: number }).n);
    const ids = page.map((p) => p.id);
    const rows = this.db
      .prepare(
        `SELECT c.id, c.split, c.language, c.gender, c.gender_key, c.age, c.age_min, c.age_max, c.education, c.occupation, c.marital_status,
                ${traits.map((t) => `c.${t}_level`).join(', ')}, c.resistance_level,
                substr(c.chief_complaint, 1, 160) AS complaint_preview, length(c.chief_complaint) AS complaint_length,
                c.source, c.created_at, c.updated_at,
                (SELECT count(*) FROM role_cards d WHERE d.complaint_key = c.complaint_key) - 1 AS same_complaint
         FROM role_cards c WHERE c.id IN (SELECT value FROM json_each(?))`,
      )
      .all(JSON.stringify(ids)) as (CardRow & { complaint_preview: string; complaint_length: number; same_complaint: number })[];
    const byId = new Map(rows.map((r) => [r.id, r]));
    const tags = this.tagsFor(ids);
    const items: RoleCardSummary[] = ids.map((id) => {
      const r = byId.get(id)!;
      return {
        id: r.id,
        split: r.split,
        language: r.language,
        gender: r.gender,
        genderKey: r.gender_key,
        age: r.age,
        ageRange: r.age_min === null || r.age_max === null ? null : { min: r.age_min, max: r.age_max },
        education: r.education,
        occupation: r.occupation,
        maritalStatus: r.marital_status,
        levels: Object.fromEntries(traits.map((t) => [t, r[`${t}_level`]])) as RoleCardSummary['levels'],
        resistance: r.resistance_level,
        complaintPreview: r.complaint_preview,
        complaintLength: r.complaint_length,
        tags: tags.get(r.id) ?? [],
        source: r.source,
        sameComplaint: r.same_complaint,
        createdAt: r.created_at,
        updatedAt: r.updated_at,
      };
    });
    return { total, offset: input.offset, items };
  }

  /** Ids matching a filter, in id order. */
  ids(filter: CardFilter): number[] {
    const q = buildCardQuery(filter);
    return (this.db.prepare(`SELECT c.id FROM role_cards c ${q.where} ORDER BY c.id`).all(...q.params) as { id: number }[]).map((r) => r.id);
  }

  /** Full cards matching a filter (or all), in id order: for export and `simpsy cards list --json`. */
  all(filter: CardFilter = {}): RoleCardView[] {
    const q = buildCardQuery(filter);
    const rows = this.db.prepare(`SELECT c.* FROM role_cards c ${q.where} ORDER BY c.id`).all(...q.params) as CardRow[];
    const tags = this.tagsFor(rows.length > 500 ? undefined : rows.map((r) => r.id));
    return rows.map((r) => toView(r, tags.get(r.id) ?? []));
  }

  /** Full cards by id, in the order given; unknown ids are an error naming them. */
  byIds(ids: number[]): RoleCardView[] {
    const exists = prepared(this.db, 'SELECT 1 FROM role_cards WHERE id = ?');
    const missing = ids.filter((id) => exists.get(id) === undefined);
    if (missing.length > 0) throw notFound('roleCard', `${missing.slice(0, 5).join(', ')}${missing.length > 5 ? '…' : ''}`);
    return ids.map((id) => this.get(id));
  }

  tags(): { tag: string; count: number }[] {
    return this.db.prepare('SELECT tag, count(*) AS count FROM role_card_tags GROUP BY tag ORDER BY tag').all() as { tag: string; count: number }[];
  }

  /** Applies one action to many cards in one transaction; returns how many changed. */
  bulk(ids: number[], action: CardBulkAction): number {
    return writeTransaction(this.db, () => {
      if (action.kind === 'delete') {
        const del = this.db.prepare('DELETE FROM role_cards WHERE id = ?');
        return ids.reduce((n, id) => n + del.run(id).changes, 0);
      }
      let changed = 0;
      for (const id of ids) {
        const current = this.get(id);
        const next = fieldsOf(current);
        if (action.kind === 'setSplit') next.split = action.split;
        else if (action.kind === 'addTags') next.tags = sortTags([...new Set([...next.tags, ...action.tags])]);
        else next.tags = next.tags.filter((t) => !action.tags.includes(t));
        const reason =
          action.kind === 'setSplit' ? `moved to ${action.split}` : `${action.kind === 'addTags' ? 'tagged' : 'untagged'} ${action.tags.join(', ')}`;
        if (this.replace(id, current, next, reason)) changed++;
      }
      return changed;
    });
  }

  /** Moves cards between splits (the seeded split); records a revision for each moved card. */
  setSplits(moves: { id: number; split: RoleCardFields['split'] }[], reason: string): number {
    return writeTransaction(this.db, () => {
      let moved = 0;
      for (const { id, split } of moves) {
        const current = this.get(id);
        if (current.split === split) continue;
        if (this.replace(id, current, { ...fieldsOf(current), split }, reason)) moved++;
      }
      return moved;
    });
  }

  /** Every card's id, split and content hash: what the seeded split orders by. */
  splitKeys(): { id: number; split: RoleCardFields['split']; contentHash: string }[] {
    return this.db.prepare('SELECT id, split, content_hash AS contentHash FROM role_cards ORDER BY id').all() as {
      id: number;
      split: RoleCardFields['split'];
      contentHash: string;
    }[];
  }

  /** Every card's complaint, for duplicate detection. */
  complaints(split?: RoleCardFields['split']): { id: number; complaint: string }[] {
    const sql = `SELECT id, chief_complaint AS complaint FROM role_cards ${split ? 'WHERE split = ?' : ''} ORDER BY id`;
    return this.db.prepare(sql).all(...(split ? [split] : [])) as { id: number; complaint: string }[];
  }

  private tagsOf(id: number): string[] {
    const rows = prepared(this.db, 'SELECT tag FROM role_card_tags WHERE card_id = ?').all(id) as { tag: string }[];
    return sortTags(rows.map((r) => r.tag));
  }

  /** Tags of the given cards (or of every card), by card id. */
  private tagsFor(ids: number[] | undefined): Map<number, string[]> {
    const map = new Map<number, string[]>();
    if (ids && ids.length === 0) return map;
    const rows = (
      ids
        ? this.db.prepare(`SELECT card_id, tag FROM role_card_tags WHERE card_id IN (${ids.map(() => '?').join(', ')})`).all(...ids)
        : this.db.prepare('SELECT card_id, tag FROM role_card_tags').all()
    ) as { card_id: number; tag: string }[];
    for (const r of rows) (map.get(r.card_id) ?? map.set(r.card_id, []).get(r.card_id)!).push(r.tag);
    for (const [id, tags] of map) map.set(id, sortTags(tags));
    return map;
  }
}
