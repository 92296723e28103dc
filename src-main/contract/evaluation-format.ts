import type { MeanSdView, TTestView } from './evaluation';

// How an evaluation's numbers are written, the same in the window, the report and the CLI:
// fixed decimals, mean ± sd, a p-value by its size, a t-test as t(df) = t, p = p.
// NaN, ±∞ and null (a degenerate test, an sd of one value) are written as "–".

export const fixed = (v: number | null | undefined, digits: number): string => (v === null || v === undefined || !Number.isFinite(v) ? '–' : v.toFixed(digits));

export const meanSdText = (m: MeanSdView | null | undefined, digits = 2): string => (m ? `${fixed(m.mean, digits)} ± ${fixed(m.sd, digits)}` : '–');

/** Four significant digits: a p-value is read by its size, and 0.0014 would hide that it is 0.001372. */
export const pText = (p: number | null): string => (p === null || Number.isNaN(p) ? '–' : p === 0 ? '0' : p < 1e-4 ? p.toExponential(3) : p.toPrecision(4));

/** "Student t(4) = 7.925, p = 0.001372"; a Welch df with two decimals. */
export const testText = (name: string, t: TTestView): string =>
  `${name} t(${t.df === null ? '–' : Number.isInteger(t.df) ? t.df : t.df.toFixed(2)}) = ${fixed(t.t, 3)}, p = ${pText(t.p)}`;

/** Names of the settings the measures record, in both languages; a key not listed is shown as stored. */
export const settingNames: Record<'en' | 'zh', Record<string, string>> = {
  en: {
    seed: 'Seed (random pairing)',
    tokeniser: 'Words (tokeniser)',
    stopwords: 'Stopwords',
    lengths: 'Lengths counted in',
    sd: 'Standard deviation',
    words: 'English words',
  },
  zh: {
    seed: '随机种子（随机配对）',
    tokeniser: '分词方式',
    stopwords: '停用词',
    lengths: '长度计数单位',
    sd: '标准差',
    words: '英文词',
  },
};

/** The rows and columns of the result tables, in both languages (the window and the report). */
export const tableText = {
  en: {
    sessions: 'Sessions',
    turns: 'Turns per session',
    client: 'Client',
    counselor: 'Counselor',
    utterances: 'utterances',
    chars: 'length, characters',
    words: 'length, words',
    n: 'n',
    mean: 'Mean',
    sd: 'SD',
    mapping: 'Mapping',
    random: 'Random',
  },
  zh: {
    sessions: '会话数',
    turns: '每会话轮数',
    client: '来访者',
    counselor: '咨询师',
    utterances: '话语数',
    chars: '长度（字符）',
    words: '长度（词）',
    n: 'n',
    mean: '均值',
    sd: '标准差',
    mapping: '对应角色卡',
    random: '随机角色卡',
  },
};
export type TableText = (typeof tableText)['en'];
