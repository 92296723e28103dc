import { describe, expect, it } from 'vitest';
import { cardTextLimits, roleCardFieldsSchema, type RoleCardFields } from '../../src-main/contract/role-card';
import {
  ageSuggestions,
  blankValues,
  changes,
  getValue,
  hasContent,
  levelSuggestions,
  normalised,
  placeServerIssues,
  readAge,
  readLevel,
  renderableDraft,
  validate,
  valuesOf,
  withExtraAdded,
  withExtraRemoved,
  withLevel,
  withValue,
} from '../../src-renderer/src/stores/cardForm';
import { makeCard } from '../role-cards/support';

// The card form's model (src-renderer/src/stores/cardForm.ts), without a DOM: the editor's
// values, what they read as, what keeps them from saving, and what is sent to main.

const card = (): RoleCardFields => roleCardFieldsSchema.parse(makeCard({ extras: [{ after: 'familyRelationships', label: '经济状况', value: '一般' }] }));

describe('values and paths', () => {
  it('reads and writes every kind of field by the path main names it with', () => {
    let v = valuesOf(card());
    expect(getValue(v, 'age')).toBe('20岁');
    expect(getValue(v, 'bigFive.openness')).toBe('中等偏低。对新想法的接受程度较低。');
    expect(getValue(v, 'extras.0.label')).toBe('经济状况');
    v = withValue(v, 'bigFive.openness', '高');
    v = withValue(v, 'extras.0.value', '房贷压力大');
    v = withValue(v, 'age', '30多岁');
    expect(v).toMatchObject({ age: '30多岁', bigFive: { openness: '高' }, extras: [{ label: '经济状况', value: '房贷压力大' }] });
    // The card it came from is untouched.
    expect(card().bigFive.openness).toBe('中等偏低。对新想法的接受程度较低。');
  });

  it('normalises as main stores: lines tidied, extra fields in card order, tags a sorted set', () => {
    let v = valuesOf(card());
    v = withExtraAdded(v, 'start');
    v = withValue(v, 'extras.1.value', '  （根据主诉推测）  \r\n');
    v = withValue(v, 'gender', ' 女  ');
    v = withValue(v, 'tags', ['b', 'a', 'b']);
    const n = normalised(v);
    expect(n).toMatchObject({ gender: '女', tags: ['a', 'b'] });
    expect(n.extras.map((e) => e.after)).toEqual(['start', 'familyRelationships']);
    expect(roleCardFieldsSchema.parse(n)).toEqual(n);
    expect(withExtraRemoved(v, 0).extras).toEqual([{ after: 'start', label: '', value: '  （根据主诉推测）  \r\n' }]);
  });

  it('tells a new card with nothing in it from one with work in it', () => {
    expect(hasContent(blankValues('zh'))).toBe(false);
    expect(hasContent(withValue(blankValues('zh'), 'age', '30多岁'))).toBe(true);
    expect(hasContent(withValue(blankValues('zh'), 'bigFive.openness', '高'))).toBe(true);
    expect(hasContent(withExtraAdded(blankValues('zh'), 'gender'))).toBe(true);
  });

  it('sends only what changed, naming the traits that changed', () => {
    const before = normalised(valuesOf(card()));
    const after = normalised(withValue(withValue(valuesOf(card()), 'bigFive.neuroticism', '很高'), 'age', '21岁'));
    expect(changes(after, before)).toEqual({ patch: { age: '21岁', bigFive: { neuroticism: '很高' } }, changed: ['age', 'neuroticism'] });
    expect(changes(before, before)).toEqual({ patch: {}, changed: [] });
  });
});

describe('what a value reads as', () => {
  it('shows a level, free text, or not given; never an error', () => {
    expect(readLevel('可能中等偏高。表现为…')).toEqual({ kind: 'level', level: 'moderately_high' });
    expect(readLevel('未具体提及。但感情不稳定可能与低尽责性有关')).toEqual({ kind: 'freeText' });
    expect(readLevel('  ')).toEqual({ kind: 'notGiven' });
    expect(readAge('30多岁')).toEqual({ kind: 'age', range: { min: 30, max: 39 } });
    expect(readAge('暂未提及')).toEqual({ kind: 'freeText' });
    expect(readAge('')).toEqual({ kind: 'notGiven' });
    const v = withValue(withValue(blankValues('zh'), 'chiefComplaint', '睡不着'), 'bigFive.openness', '未知（信息缺失）');
    expect(validate(v)).toEqual({});
  });

  it('sets a level by replacing the level phrase and keeping the rest as written', () => {
    expect(withLevel('中高，愿意尝试', 'high', 'zh')).toBe('高，愿意尝试');
    expect(withLevel('可能中等偏高。表现为…', 'low', 'zh')).toBe('低。表现为…');
    expect(withLevel('未具体提及', 'moderate', 'zh')).toBe('中等。未具体提及');
    expect(withLevel('', 'moderately_low', 'zh')).toBe('中等偏低');
    expect(withLevel('Not stated', 'moderate', 'en')).toBe('Moderate. Not stated');
    expect(withLevel('Moderately high. Curious.', 'low', 'en')).toBe('Low. Curious.');
  });

  it('suggests the standard words while they are being typed, and nothing once text follows', () => {
    expect(levelSuggestions('', 'zh')).toEqual(['低', '中等偏低', '中等', '中等偏高', '高']);
    expect(levelSuggestions('中等偏', 'zh')).toEqual(['中等偏低', '中等偏高']);
    expect(levelSuggestions('中等。描述', 'zh')).toEqual([]);
    expect(levelSuggestions('mod', 'en')).toEqual(['Moderately low', 'Moderate', 'Moderately high']);
    expect(ageSuggestions('25', 'zh')).toEqual(['25岁']);
    expect(ageSuggestions('30多岁', 'zh')).toEqual([]);
    expect(ageSuggestions('25', 'en')).toEqual([]);
  });
});

describe('what keeps a card from saving', () => {
  it('uses the contract: a complaint, the limits, no control characters, labels without colons', () => {
    expect(validate(blankValues('zh'))).toEqual({ chiefComplaint: { kind: 'required' } });
    let v = valuesOf(card());
    v = withValue(v, 'gender', '女'.repeat(cardTextLimits.gender + 1));
    v = withValue(v, 'bigFive.agreeableness', '中等\u0000');
    v = withValue(v, 'extras.0.label', '经济：状况');
    v = withValue(v, 'tags', ['a;b']);
    expect(validate(v)).toEqual({
      gender: { kind: 'tooLong', max: 100 },
      'bigFive.agreeableness': { kind: 'control', where: 'U+0000 at character 3' },
      'extras.0.label': { kind: 'labelColon' },
      tags: { kind: 'tag', tag: 'a;b' },
    });
    // Whatever the form lets through, main accepts.
    expect(roleCardFieldsSchema.safeParse(normalised(valuesOf(card()))).success).toBe(true);
    // Emoji count as one character, as in main.
    expect(validate(withValue(valuesOf(card()), 'gender', '👩'.repeat(cardTextLimits.gender)))).toEqual({});
  });

  it("places main's issues on the form's fields", () => {
    const placed = placeServerIssues({
      code: 'validation',
      message: 'x',
      issues: [
        { path: 'bigFive.openness', message: 'too long' },
        { path: 'tags.3', message: 'bad tag' },
        { path: 'extras.1.value', message: 'control' },
      ],
    });
    expect(placed).toEqual({ 'bigFive.openness': 'too long', tags: 'bad tag', 'extras.1.value': 'control' });
  });

  it('previews every valid value and leaves out the ones that cannot be saved yet', () => {
    let v = valuesOf(card());
    v = withValue(v, 'occupation', '学生\u0007');
    const draft = renderableDraft(v);
    expect(draft).not.toHaveProperty('occupation');
    expect(draft).toMatchObject({ language: 'zh', age: '20岁', bigFive: { openness: '中等偏低。对新想法的接受程度较低。' }, extras: [{ label: '经济状况' }] });
    expect(renderableDraft(blankValues('en'))).toMatchObject({ language: 'en', chiefComplaint: '' });
  });
});
