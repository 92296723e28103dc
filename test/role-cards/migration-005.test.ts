import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { createAppContext } from '../../src-main/app/context';
import { cardListInput } from '../../src-main/contract/role-card';
import { contentHash } from '../../src-main/role-cards/card';
import { cardText } from '../../src-main/role-cards/card-text';
import { indexAll } from '../../src-main/role-cards/indexer';
import { migrate } from '../../src-main/storage/migrate';
import { migrations } from '../../src-main/storage/migrations';
import { tempDbPath } from '../support/temp';

// 005 turns cards stored as level keys and whole-number ages into cards stored as written,
// on a real database made by the shipped migrations 001–004 and filled as that build did.

const insert = `INSERT INTO role_cards (split, language, gender, gender_key, age, education, occupation, marital_status,
  family_relationships, openness, openness_description, conscientiousness, conscientiousness_description,
  extraversion, extraversion_description, agreeableness, agreeableness_description, neuroticism, neuroticism_description,
  resistance, resistance_description, chief_complaint, complaint_key, content_hash, source, created_at, updated_at)
  VALUES (@split, @language, @gender, @genderKey, @age, @education, @occupation, @marital, @family,
  @o, @od, @c, @cd, @e, @ed, @a, @ad, @n, @nd, @r, @rd, @complaint, 'k', 'old-hash', 'paper:test/0', '2024-01-01T00:00:00.000Z', '2024-01-02T00:00:00.000Z')`;

const zhCard = {
  split: 'test', language: 'zh', gender: '女性', genderKey: 'female', age: 25, education: '本科', occupation: '公司职员', marital: '单身',
  family: '与母亲关系紧张', o: 'moderate', od: '', c: 'high', cd: '', e: 'moderately_low', ed: '社交较少',
  a: 'moderately_low', ad: '', n: 'high', nd: '情绪波动大', r: 'moderately_high', rd: '对咨询有怀疑', complaint: '工作压力大，每天失眠。',
};
const enCard = {
  ...zhCard, split: 'pool', language: 'en', gender: 'Male', genderKey: 'male', age: 34, education: 'Master', occupation: 'Nurse',
  marital: 'Married', family: 'Close to his sister', o: 'moderately_high', od: 'Curious.', r: 'low', rd: '', complaint: 'I cannot sleep since my promotion.',
};
/** A history snapshot as the repository wrote it before 005. */
const oldSnapshot = {
  gender: '女性', age: 24, education: '本科', occupation: '公司职员', maritalStatus: '单身', familyRelationships: '与母亲关系紧张',
  bigFive: {
    openness: { level: 'moderate', description: '' },
    conscientiousness: { level: 'high', description: '' },
    extraversion: { level: 'moderately_low', description: '社交较少' },
    agreeableness: { level: 'moderately_low', description: '' },
    neuroticism: { level: 'high', description: '情绪波动大' },
  },
  resistance: { level: 'moderate', description: '' },
  chiefComplaint: '工作压力大，每天失眠。', split: 'test', language: 'zh', tags: [], source: 'paper:test/0',
};

function databaseAt004(): string {
  const file = tempDbPath();
  const db = new Database(file);
  db.pragma('foreign_keys = ON');
  migrate(db, migrations.slice(0, 4));
  const zh = Number(db.prepare(insert).run(zhCard).lastInsertRowid);
  const en = Number(db.prepare(insert).run(enCard).lastInsertRowid);
  db.prepare("INSERT INTO role_card_fts (rowid, complaint, profile) VALUES (?, '工作压力大，每天失眠。', '女性')").run(zh);
  db.prepare("INSERT INTO role_card_tags (card_id, tag) VALUES (?, '重点'), (?, 'en')").run(zh, en);
  db.prepare("INSERT INTO role_card_revisions (card_id, snapshot, reason, created_at) VALUES (?, ?, 'fixed the age', '2024-01-02T00:00:00.000Z')").run(zh, JSON.stringify(oldSnapshot));
  db.prepare("INSERT INTO card_chats (card_id, endpoint_name, messages, card_text, created_at) VALUES (?, 'local', '[]', 'x', 'x')").run(zh);
  db.close();
  return file;
}

describe('005 cards as written', () => {
  it("turns each card into the text today's export wrote, deriving the same levels and ages", () => {
    const ctx = createAppContext({ dbPath: databaseAt004() });
    try {
      const [zh, en] = ctx.cards.all();
      expect(zh).toMatchObject({
        age: '25岁',
        bigFive: { openness: '中等', conscientiousness: '高', extraversion: '中等偏低。社交较少', agreeableness: '中等偏低', neuroticism: '高。情绪波动大' },
        resistance: '中等偏高。对咨询有怀疑',
        extras: [],
        tags: ['重点'],
        createdAt: '2024-01-01T00:00:00.000Z',
        updatedAt: '2024-01-02T00:00:00.000Z',
      });
      expect(en).toMatchObject({ age: '34', bigFive: { openness: 'Moderately high. Curious.', conscientiousness: 'High' }, resistance: 'Low' });
      // The client agent receives exactly what it received before the upgrade.
      expect(cardText(zh!, 'zh')).toBe(
        '性别：女性\n年龄：25岁\n教育程度：本科\n职业：公司职员\n婚恋情况：单身\n家庭关系：与母亲关系紧张\n大五人格：\n - 开放性：中等\n - 尽责性：高\n - 外向性：中等偏低。社交较少\n - 宜人性：中等偏低\n - 神经质：高。情绪波动大\n对心理咨询的阻抗程度：中等偏高。对咨询有怀疑\n来访者的主诉问题：工作压力大，每天失眠。',
      );
      const list = ctx.cards.list(cardListInput.parse({}));
      expect(list.items[0]).toMatchObject({ age: '25岁', ageRange: { min: 25, max: 25 }, levels: { openness: 'moderate', extraversion: 'moderately_low' }, resistance: 'moderately_high' });
      expect(list.items[1]).toMatchObject({ ageRange: { min: 34, max: 34 }, levels: { openness: 'moderately_high' }, resistance: 'low' });
      expect(ctx.cards.list(cardListInput.parse({ ageMin: 30, traits: { openness: ['moderately_high'] } })).items.map((c) => c.id)).toEqual([en!.id]);
      // Duplicate detection sees the migrated cards as the same cards.
      const hashes = ctx.db.prepare('SELECT content_hash AS h FROM role_cards ORDER BY id').all() as { h: string }[];
      expect(hashes.map((r) => r.h)).toEqual([contentHash(zh!), contentHash(en!)]);
      expect(ctx.cards.idsWithContent(contentHash(zh!))).toEqual([zh!.id]);
      // The old columns are gone; nothing referencing the cards was lost.
      const columns = (ctx.db.prepare('PRAGMA table_info(role_cards)').all() as { name: string }[]).map((c) => c.name);
      expect(columns).not.toContain('openness_description');
      expect(columns).toEqual(expect.arrayContaining(['age', 'age_min', 'age_max', 'openness', 'openness_level', 'resistance_level', 'extras']));
      expect(ctx.db.prepare('SELECT count(*) AS n FROM card_chats').get()).toEqual({ n: 1 });
    } finally {
      ctx.close();
    }
  });

  it('converts history snapshots, so an old version can still be read and reverted to', () => {
    const ctx = createAppContext({ dbPath: databaseAt004() });
    try {
      const [revision] = ctx.cards.history(1);
      expect(revision).toMatchObject({ reason: 'fixed the age', card: { age: '24岁', bigFive: { extraversion: '中等偏低。社交较少' }, resistance: '中等', extras: [] } });
      expect(ctx.cards.revert(1, revision!.id)).toMatchObject({ age: '24岁', resistance: '中等' });
    } finally {
      ctx.close();
    }
  });

  it('rebuilds the search index from the texts as written, level words included', () => {
    const ctx = createAppContext({ dbPath: databaseAt004() });
    try {
      expect(ctx.cards.pendingCount()).toBe(2);
      const find = (query: string) => ctx.cards.list(cardListInput.parse({ query })).items.map((c) => c.id);
      const before = ['每天失眠', '中等偏高', '对咨询有怀疑', 'Curious', '25岁'].map(find);
      expect(before).toEqual([[1], [1], [1], [2], [1]]);
      indexAll(ctx.cards);
      expect(ctx.cards.pendingCount()).toBe(0);
      expect(['每天失眠', '中等偏高', '对咨询有怀疑', 'Curious', '25岁'].map(find)).toEqual(before);
      // Edits keep the index in step through the recreated trigger.
      ctx.cards.update({ id: 2, bigFive: { openness: 'Not stated, but seems guarded' } });
      expect(find('seems guarded')).toEqual([2]);
      expect(find('Curious')).toEqual([]);
    } finally {
      ctx.close();
    }
  });
});
