import { traitLabels, traits, type CardLanguage, type Level, type Locale, type RoleCardFields, type Trait } from '@contract';
import { useEffect, useState, type RefObject } from 'react';
import type { Messages } from '../../i18n';

// Small wording helpers shared by the role-card views.

/** antd derives a dark info background from the app's teal; these alerts use the soft teal instead. */
export const calmInfo = { background: '#eef5f3', borderColor: '#cfe3df' } as const;

type CardsText = Messages['cards'];

export const traitName = (trait: Trait, locale: Locale): string => traitLabels[locale][trait];

export const levelName = (level: Level, t: CardsText): string => t.levelShort[level];

/** "女 · 25岁 · 公司职员 · 本科": the card's own words, a bare number of years with its unit. */
export function profileLine(card: { gender: string; age: string; occupation: string; education: string }, t: CardsText): string {
  const age = /^\d{1,3}$/.test(card.age.trim()) ? t.years(Number(card.age)) : card.age;
  return [card.gender, age, card.occupation, card.education].map((s) => s.split('\n')[0]!.trim()).filter(Boolean).join(' · ');
}

export function formatTime(iso: string, locale: Locale): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return date.toLocaleString(locale === 'zh' ? 'zh-CN' : 'en-GB', {
    year: 'numeric',
    month: 'short',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  });
}

/** The name of a card field (as the editor's reasons and diffs name them) in the UI language. */
export function fieldName(key: string, t: CardsText, locale: Locale): string {
  if ((traits as readonly string[]).includes(key)) return traitName(key as Trait, locale);
  if (key === 'resistance') return t.editor.sections.resistance;
  if (key === 'bigFive') return t.editor.sections.bigFive;
  if (key === 'extras') return t.editor.extras.title;
  if (key === 'source') return t.editor.source;
  return (t.fields as Record<string, string>)[key] ?? key;
}

/**
 * Main writes history reasons in English and language-neutral forms ("edited: age, tags",
 * "moved to test"); this words the known ones in the UI language and leaves the rest as written.
 */
export function reasonText(reason: string, t: CardsText, locale: Locale): string {
  const r = t.history.reasons;
  const sep = locale === 'zh' ? '、' : ', ';
  let m: RegExpMatchArray | null;
  if (reason === 'edited') return r.edited;
  if ((m = reason.match(/^edited: (.+)$/))) return r.editedFields(m[1]!.split(', ').map((k) => fieldName(k, t, locale)).join(sep));
  if ((m = reason.match(/^moved to (pool|test)$/))) return r.moved(t.splitLong[m[1] as 'pool' | 'test']);
  if ((m = reason.match(/^tagged (.+)$/))) return r.tagged(m[1]!);
  if ((m = reason.match(/^untagged (.+)$/))) return r.untagged(m[1]!);
  if ((m = reason.match(/^reverted to the version before (.+)$/))) return r.reverted(formatTime(m[1]!, locale));
  if ((m = reason.match(/^random split: (\d+) test cards, seed (\d+)$/))) return r.split(m[1]!, m[2]!);
  return reason;
}

/** The fields in which two versions of a card differ, named in the UI language. */
export function diffFields(a: RoleCardFields, b: RoleCardFields, t: CardsText, locale: Locale): string[] {
  const keys: string[] = [];
  const same = (x: unknown, y: unknown) => JSON.stringify(x) === JSON.stringify(y);
  for (const key of ['chiefComplaint', 'gender', 'age', 'education', 'occupation', 'maritalStatus', 'familyRelationships'] as const) {
    if (!same(a[key], b[key])) keys.push(key);
  }
  for (const trait of traits) if (!same(a.bigFive[trait], b.bigFive[trait])) keys.push(trait);
  for (const key of ['resistance', 'extras', 'split', 'language', 'tags', 'source'] as const) if (!same(a[key], b[key])) keys.push(key);
  return keys.map((k) => fieldName(k, t, locale));
}

/** Characters as a person counts them (code points), not UTF-16 units or bytes. */
export const charCount = (text: string): number => {
  let n = 0;
  for (const _ of text) n++;
  return n;
};

export const cardLanguageName = (language: CardLanguage, t: CardsText): string => t.languageNames[language];

/**
 * The height left below an element down to the window's bottom edge (minus `gap`), kept up to
 * date as the window resizes: lets the list and the editor fill the window and scroll inside.
 */
export function useFillHeight(ref: RefObject<HTMLElement | null>, gap = 24): number {
  const [height, setHeight] = useState(480);
  useEffect(() => {
    const measure = () => {
      const top = ref.current?.getBoundingClientRect().top ?? 0;
      setHeight(Math.max(320, Math.floor(window.innerHeight - top - gap)));
    };
    measure();
    window.addEventListener('resize', measure);
    const observer = new ResizeObserver(measure);
    if (ref.current?.parentElement) observer.observe(ref.current.parentElement);
    return () => {
      window.removeEventListener('resize', measure);
      observer.disconnect();
    };
  }, [ref, gap]);
  return height;
}

/** Calls `fn` `ms` after the value last changed. */
export function useDebounced<T>(value: T, ms: number): T {
  const [debounced, setDebounced] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setDebounced(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return debounced;
}

/** An element's height, kept up to date (for components that need a number, like the virtual list). */
export function useElementHeight(ref: RefObject<HTMLElement | null>): number {
  const [height, setHeight] = useState(0);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const observer = new ResizeObserver(() => setHeight(el.clientHeight));
    observer.observe(el);
    setHeight(el.clientHeight);
    return () => observer.disconnect();
  }, [ref]);
  return height;
}
