import { describe, expect, it } from 'vitest';
import en from '../../src-renderer/src/i18n/en';
import zh from '../../src-renderer/src/i18n/zh';

// The compiler checks zh against en's shape; this checks the assembled dictionaries at run
// time too, so a section file wired in wrongly (or a cast) cannot leave a language short.

function paths(value: unknown, prefix = ''): string[] {
  if (value === null || typeof value !== 'object') return [`${prefix}:${typeof value}`];
  return Object.entries(value as Record<string, unknown>).flatMap(([key, inner]) => paths(inner, prefix ? `${prefix}.${key}` : key));
}

describe('the zh and en dictionaries', () => {
  it('have the same keys, each of the same kind (text or a function)', () => {
    expect(paths(zh).sort()).toEqual(paths(en).sort());
  });

  it('say something for every key, in both languages', () => {
    const blank = (value: unknown, prefix = ''): string[] =>
      typeof value === 'string'
        ? value.trim() === '' ? [prefix] : []
        : value !== null && typeof value === 'object'
          ? Object.entries(value as Record<string, unknown>).flatMap(([key, inner]) => blank(inner, prefix ? `${prefix}.${key}` : key))
          : [];
    expect(paths(en).length).toBeGreaterThan(500);
    expect({ zh: blank(zh), en: blank(en) }).toEqual({ zh: [], en: [] });
  });
});
