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
    jobId: 'Job',
    measure: 'Measure',
    language: 'Language',
    datasets: 'Datasets (definition and sessions)',
    endpoint: 'Endpoint',
    model: 'Model',
    dims: 'Dimensions',
    maxChars: 'Longest text embedded (characters)',
    batchSize: 'Texts per request',
    truncated: 'Texts cut to the longest',
    embeddedText: 'Texts embedded',
    judge: 'Judge',
    rounds: 'Rounds',
    attempts: 'Tries per question',
    template: 'Prompt template',
    topics: 'Topic list',
    items: 'WAI items and scoring guides',
    calls: 'Calls made',
    cached: 'Stored answers reused',
    cost: 'Cost (USD)',
  },
  zh: {
    seed: '随机种子（随机配对）',
    tokeniser: '分词方式',
    stopwords: '停用词',
    lengths: '长度计数单位',
    sd: '标准差',
    words: '英文词',
    jobId: '任务',
    measure: '指标',
    language: '语言',
    datasets: '数据集（定义与会话）',
    endpoint: '接口',
    model: '模型',
    dims: '向量维度',
    maxChars: '嵌入文本最大长度（字符）',
    batchSize: '每次请求文本数',
    truncated: '被截断的文本',
    embeddedText: '嵌入的文本',
    judge: '评审模型',
    rounds: '轮数',
    attempts: '每题尝试次数',
    template: '提示词模板',
    topics: '话题列表',
    items: 'WAI 条目与评分指引',
    calls: '调用次数',
    cached: '复用的已存回答',
    cost: '费用（美元）',
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
    entropy: 'Entropy, bits (mean ± sd over rounds)',
    entropyShort: 'Entropy',
    roundEntropies: 'Entropy per round',
    outside: 'Topics named outside the list',
    missing: 'Missing (no readable answer)',
    goal: 'Goal',
    task: 'Task',
    bond: 'Bond',
    rounds: 'Rounds',
    factorSessions: (f: string) => `${f}: mean ± sd (sessions)`,
    between: (what: string) => `${what}, A vs B`,
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
    entropy: '熵，比特（各轮均值 ± 标准差）',
    entropyShort: '熵',
    roundEntropies: '各轮的熵',
    outside: '列表外的话题',
    missing: '缺失（无可读回答）',
    goal: '目标',
    task: '任务',
    bond: '情感联结',
    rounds: '轮数',
    factorSessions: (f: string) => `${f}：均值 ± 标准差（会话数）`,
    between: (what: string) => `${what}，A 对 B`,
  },
};
export type TableText = (typeof tableText)['en'];
