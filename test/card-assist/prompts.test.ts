import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { PromptTemplate } from '../../src-main/contract';
import { effectiveTemplate } from '../../src-main/card-assist/prompt-store';
import { counselorTemplate } from '../../src-main/simulation/resources';
import { createAppContext } from '../../src-main/app/context';
import { harness, type Harness } from './support';
import { tempDbPath } from '../support/temp';

// prompts:get / prompts:set: the shipped templates, user overrides stored in SQLite, resets,
// and the refusal of a template that drops its placeholder.

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe('prompt templates', () => {
  it('ships a drafting prompt per language that states the JSON schema and keeps {chief_complaint}', async () => {
    h = await harness();
    for (const language of ['zh', 'en'] as const) {
      const p = await h.call<PromptTemplate>('prompts:get', { kind: 'drafting', language });
      expect(p).toMatchObject({ kind: 'drafting', language, isOverride: false, placeholders: ['{chief_complaint}'] });
      expect(p.template).toBe(p.shipped);
      expect(p.template).toContain('{chief_complaint}');
      for (const key of ['"gender"', '"age"', '"maritalStatus"', '"familyRelationships"', '"bigFive"', '"openness"', '"neuroticism"', '"resistance"']) {
        expect(p.template).toContain(key);
      }
      expect(p.template).toContain(language === 'zh' ? '“低”“中等偏低”“中等”“中等偏高”“高”' : '"Moderately high"');
      expect(p.template).toMatch(/JSON/);
      // The file's trailing newline is not part of the template, as for the other prompts.
      const file = readFileSync(join(h.ctx.resourcesDir, 'prompts', `drafting.${language}.txt`), 'utf8');
      expect(p.shipped).toBe(file.replace(/\n+$/, ''));
    }
  });

  it('gives the shipped client and counselor templates with their placeholders', async () => {
    h = await harness();
    const client = await h.call<PromptTemplate>('prompts:get', { kind: 'client', language: 'en' });
    expect(client).toMatchObject({ isOverride: false, placeholders: ['{role_card}'] });
    expect(client.template).toContain("Client's dialogue requirements");
    const counselor = await h.call<PromptTemplate>('prompts:get', { kind: 'counselor', language: 'zh' });
    expect(counselor).toMatchObject({ isOverride: false, placeholders: [] });
    expect(counselor.template).toBe(counselorTemplate(h.ctx.resourcesDir, 'zh'));
  });

  it('stores an override, applies it, keeps it across a restart, and resets it with null', async () => {
    h = await harness();
    const mine = '现在你是一位来访者。\r\n{role_card}\r\n请简短回答。\n\n';
    const set = await h.call<PromptTemplate>('prompts:set', { kind: 'client', language: 'zh', template: mine });
    expect(set).toMatchObject({ isOverride: true, template: '现在你是一位来访者。\n{role_card}\n请简短回答。' });
    expect(set.shipped).not.toBe(set.template);
    expect(effectiveTemplate(h.ctx, 'client', 'zh')).toBe(set.template);
    // Only that kind and language changed.
    expect(effectiveTemplate(h.ctx, 'client', 'en')).toBe((await h.call<PromptTemplate>('prompts:get', { kind: 'client', language: 'en' })).shipped);

    // Overrides live in the database: a new context over the same file sees them.
    const again = createAppContext({ dbPath: h.ctx.dbPath });
    expect(effectiveTemplate(again, 'client', 'zh')).toBe(set.template);
    again.close();

    const reset = await h.call<PromptTemplate>('prompts:set', { kind: 'client', language: 'zh', template: null });
    expect(reset).toMatchObject({ isOverride: false });
    expect(reset.template).toBe(reset.shipped);
    expect(h.ctx.db.prepare('SELECT count(*) AS n FROM prompt_overrides').get()).toEqual({ n: 0 });
  });

  it('counts saving the shipped text as a reset', async () => {
    h = await harness();
    await h.call('prompts:set', { kind: 'counselor', language: 'en', template: 'You are a counselor. Keep it short.' });
    const shipped = (await h.call<PromptTemplate>('prompts:get', { kind: 'counselor', language: 'en' })).shipped;
    const saved = await h.call<PromptTemplate>('prompts:set', { kind: 'counselor', language: 'en', template: `${shipped}\n` });
    expect(saved.isOverride).toBe(false);
  });

  it('refuses a template that drops its placeholder, with a field error, and keeps the old one', async () => {
    h = await harness();
    await h.call('prompts:set', { kind: 'drafting', language: 'zh', template: '根据主诉写角色卡 JSON：{chief_complaint}' });
    const client = await h.fail('prompts:set', { kind: 'client', language: 'zh', template: '你是一位来访者。' });
    expect(client).toMatchObject({ code: 'validation', issues: [{ path: 'template', message: expect.stringContaining('{role_card}') }] });
    const drafting = await h.fail('prompts:set', { kind: 'drafting', language: 'zh', template: '写一张角色卡。' });
    expect(drafting).toMatchObject({ code: 'validation', issues: [{ path: 'template', message: expect.stringContaining('{chief_complaint}') }] });
    expect(effectiveTemplate(h.ctx, 'drafting', 'zh')).toBe('根据主诉写角色卡 JSON：{chief_complaint}');
    // The counselor needs no placeholder, but not nothing at all.
    expect(await h.call<PromptTemplate>('prompts:set', { kind: 'counselor', language: 'zh', template: '你是咨询师小天。' })).toMatchObject({ isOverride: true });
    expect(await h.fail('prompts:set', { kind: 'counselor', language: 'zh', template: ' \n ' })).toMatchObject({ code: 'validation', issues: [{ path: 'template' }] });
  });

  it('says which shipped file is missing when resources are incomplete', () => {
    const ctx = createAppContext({ dbPath: tempDbPath(), resourcesDir: '/nonexistent/resources' });
    expect(() => effectiveTemplate(ctx, 'drafting', 'zh')).toThrow(/drafting\.zh\.txt/);
    ctx.close();
  });
});
