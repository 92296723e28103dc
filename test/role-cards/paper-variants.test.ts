import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createAppContext, type AppContext } from '../../src-main/app/context';
import { cardListInput, type CardFormat } from '../../src-main/contract/role-card';
import { fieldsOf } from '../../src-main/role-cards/card';
import { cardText } from '../../src-main/role-cards/card-text';
import { exportCards } from '../../src-main/role-cards/export';
import { importCards } from '../../src-main/role-cards/import';
import { paperFixtures, repoRoot } from './support';
import { tempDbPath, tempDir } from '../support/temp';

// "A card is what its author wrote": cards written the many ways real cards are (see
// test/fixtures/paper-variants/README.md) import whole, reach the client agent line for
// line, and survive export and import unchanged.

const paperVariants = join(repoRoot, 'test/fixtures/paper-variants');

const open: AppContext[] = [];
const context = () => {
  const ctx = createAppContext({ dbPath: tempDbPath() });
  open.push(ctx);
  return ctx;
};
afterEach(() => {
  for (const ctx of open.splice(0)) ctx.close();
});

const cardFiles = (root: string) =>
  ['test', 'train'].flatMap((split) => {
    const dir = join(root, 'raw_role_card', split);
    if (!existsSync(dir)) return [];
    return readdirSync(dir)
      .filter((n) => n.endsWith('.txt'))
      .sort((a, b) => parseInt(a) - parseInt(b))
      .map((name) => ({ split, name, text: readFileSync(join(dir, name), 'utf8') }));
  });

function imported(root = paperVariants) {
  const ctx = context();
  const report = importCards(ctx.cards, { path: root, format: 'auto', dryRun: false });
  return { ctx, report, cards: ctx.cards.all() };
}

// The whitespace normalisation the reader applies, and nothing else: blank lines dropped,
// indentation and spaces at line ends dropped, a bullet written "-x" or " - x" read as "- x",
// the alias 婚姻状况 read as 婚恋情况, a label alone on its line joined with the line after it.
const aliases: [RegExp, string][] = [[/^婚姻状况：/u, '婚恋情况：']];
function normalisedLines(text: string): string[] {
  const lines = text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '')
    .map((l) => l.replace(/^[-•]\s*/u, '- '))
    .map((l) => aliases.reduce((s, [from, to]) => s.replace(from, to), l));
  const joined: string[] = [];
  for (const line of lines) {
    const previous = joined.at(-1);
    if (previous !== undefined && /[：:]$/u.test(previous)) joined[joined.length - 1] = `${previous}${line}`;
    else joined.push(line);
  }
  return joined;
}

describe('paper cards written as people write them', () => {
  it('imports every variant whole, with nothing refused', () => {
    const { report, cards } = imported();
    expect(report.problems).toEqual([]);
    expect(report).toMatchObject({ refused: false, found: 8, imported: 8 });
    expect(cards.map((c) => c.source)).toEqual([
      'paper:test/0', 'paper:test/1', 'paper:test/2', 'paper:test/3', 'paper:test/4', 'paper:test/5', 'paper:train/0', 'paper:train/1',
    ]);
    expect(cards.map((c) => c.language)).toEqual(['zh', 'zh', 'zh', 'zh', 'zh', 'zh', 'en', 'en']);
  });

  it('keeps each value as written and derives a level or an age only where the text names one', () => {
    const { ctx, cards } = imported();
    const [c0, c1, c2, c3, c4, c5, e0, e1] = cards;
    expect(c0).toMatchObject({
      age: '30多岁',
      education: '暂未提及，假设为大学毕业',
      bigFive: {
        openness: '中等或较低，对新的工作方式兴趣不大',
        conscientiousness: '中等到较低，面对不喜欢的任务常常拖到最后',
        extraversion: '可能中等偏高。表现为在同事中话多，但回家后沉默',
        agreeableness: '未具体提及。但与顾客的冲突可能与低宜人性有关',
      },
      extras: [{ after: 'maritalStatus', label: '经济状况', value: '房贷压力较大，收入不稳定' }],
    });
    expect(c1).toMatchObject({
      age: '30-35岁',
      familyRelationships: '- 母亲：退休工人，对离婚一事始终不能接受\n- 与父亲的关系：疏远，父亲很少表达情感\n- 其他家庭成员：与弟弟关系亲近，常互相倾诉',
      bigFive: { openness: '中高（喜欢读诗写作）', conscientiousness: '高', extraversion: '中低', agreeableness: '中等', neuroticism: '偏高' },
    });
    expect(c2).toMatchObject({
      gender: '女',
      age: '29周岁',
      familyRelationships: '- 原生家庭：父母常年争吵，小时候由外婆带大',
      extras: [{ after: 'familyRelationships', label: '现家庭', value: '丈夫支持她的工作，婆婆常来家中指点育儿' }],
      resistance: '中等到高\n- 担心同事知道自己在做咨询\n- 过去求助被敷衍过',
    });
    expect(c3).toMatchObject({
      age: '22岁（大学刚毕业）',
      bigFive: { openness: '中等\n- 愿意尝试不同的复习方法', neuroticism: '较高\n- 考试临近时心慌、手抖' },
      resistance: '中低，愿意谈，但希望马上得到方法\n以上角色卡根据主诉推测，仅供模拟使用。',
    });
    expect(c4).toMatchObject({
      age: '25',
      education: '',
      occupation: '',
      maritalStatus: '恋爱中',
      extras: [{ after: 'resistance', label: '注意', value: '来访者的职业与学历主诉中未提及，此处留空' }],
    });
    expect(c5).toMatchObject({
      age: '暂未提及',
      familyRelationships: '与父母同住，家庭关系一般',
      resistance: '- 中等（愿意写信求助，但不想让父母知道）',
      extras: [
        { after: 'familyRelationships', label: '家庭关系', value: '补充：姐姐在外地读大学，很少联系' },
        { after: 'bigFive', label: '', value: '（根据主诉推测）' },
      ],
    });
    expect(e0).toMatchObject({
      age: 'mid-30s',
      familyRelationships: '- Husband: supportive but withdrawn since the layoff\n- Mother-in-law: lives with them and criticises her parenting',
      extras: [{ after: 'maritalStatus', label: 'Financial situation', value: 'Tight since her husband lost his job' }],
      bigFive: { agreeableness: 'Not stated. Her quarrels with her mother-in-law may suggest low agreeableness' },
    });
    expect(e1).toMatchObject({ age: '25 years old', extras: [{ after: 'resistance', label: 'Note', value: 'The client asked for a counselor who speaks English' }] });

    const summaries = ctx.cards.list(cardListInput.parse({})).items;
    expect(summaries.map((s) => s.ageRange)).toEqual([
      { min: 30, max: 39 }, { min: 30, max: 35 }, { min: 29, max: 29 }, { min: 22, max: 22 }, { min: 25, max: 25 }, null, { min: 34, max: 36 }, { min: 25, max: 25 },
    ]);
    expect(summaries[0]!.levels).toEqual({ openness: 'moderately_low', conscientiousness: 'moderately_low', extraversion: 'moderately_high', agreeableness: null, neuroticism: 'high' });
    expect(summaries[1]!.levels.neuroticism).toBe('moderately_high');
    expect(summaries[2]!.resistance).toBe('moderately_high');
    expect(summaries[5]!.resistance).toBe('moderate');
    expect(summaries[6]!.levels).toEqual({ openness: 'moderately_low', conscientiousness: 'high', extraversion: 'moderately_high', agreeableness: null, neuroticism: 'high' });
  });

  it("gives the client agent every line of each file, in the file's order", () => {
    const { cards } = imported();
    const files = cardFiles(paperVariants);
    expect(files).toHaveLength(cards.length);
    files.forEach((file, i) => {
      const sent = normalisedLines(cardText(cards[i]!, cards[i]!.language));
      const written = normalisedLines(file.text);
      // Every written line, in order, is a line the agent receives.
      let at = 0;
      for (const line of written) {
        const found = sent.indexOf(line, at);
        expect(found, `${file.split}/${file.name}: '${line}' is not in the card text\n${sent.join('\n')}`).toBeGreaterThanOrEqual(0);
        at = found + 1;
      }
      // And the agent receives nothing else but the complaint.
      expect(sent.length).toBe(written.length + 1);
      expect(sent.at(-1)).toMatch(/^(来访者的主诉问题：|Chief complaint: )/);
    });
  });

  it('exports to the paper format and imports back unchanged: the second export is byte-identical', () => {
    const { ctx: first, cards } = imported();
    const one = join(tempDir(), 'one');
    exportCards(first.cards, { path: one, format: 'paper' });
    const { ctx: second, report, cards: back } = imported(one);
    expect(report).toMatchObject({ refused: false, imported: 8, problems: [] });
    // The pool is written as `train` and comes first on the way back.
    const bySource = (list: typeof cards) => list.map((c) => ({ ...fieldsOf(c), source: '' })).sort((a, b) => a.split.localeCompare(b.split));
    expect(bySource(back)).toEqual(bySource(cards));
    const two = join(tempDir(), 'two');
    exportCards(second.cards, { path: two, format: 'paper' });
    for (const file of cardFiles(one)) {
      expect(readFileSync(join(two, 'raw_role_card', file.split, file.name), 'utf8'), `${file.split}/${file.name}`).toBe(file.text);
    }
    for (const list of ['test', 'train']) {
      expect(existsSync(join(one, `user_profiles/${list}.json`))).toBe(true);
      expect(readFileSync(join(two, `user_profiles/${list}.json`), 'utf8')).toBe(readFileSync(join(one, `user_profiles/${list}.json`), 'utf8'));
    }
  });

  it.each([['json'], ['jsonl'], ['csv']] as [CardFormat][])('carries every variant through %s unchanged', (format) => {
    const { ctx, cards } = imported();
    const path = join(tempDir(), `cards.${format}`);
    exportCards(ctx.cards, { path, format });
    const { report, cards: back } = imported(path);
    expect(report).toMatchObject({ refused: false, imported: 8, problems: [] });
    expect(back.map(fieldsOf)).toEqual(cards.map(fieldsOf));
  });

  it('still round-trips the six released fixture cards byte for byte', () => {
    const { ctx } = imported(paperFixtures);
    const out = join(tempDir(), 'out');
    exportCards(ctx.cards, { path: out, format: 'paper' });
    for (const file of cardFiles(out)) {
      expect(file.text, file.name).toBe(readFileSync(join(paperFixtures, 'raw_role_card/test', file.name), 'utf8'));
    }
  });
});
