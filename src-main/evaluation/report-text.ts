import type { EvaluationMeasure } from '../contract/evaluation';
import { settingNames, tableText } from '../contract/evaluation-format';

// The report's words in both languages (the window's are in the renderer's dictionaries).

const en = {
  measures: {
    stats: 'Dataset statistics (Table 1)',
    overlap: 'Vocabulary overlap (Eq. 1)',
    semantic: 'Semantic consistency (Eq. 2)',
    topics: 'Topic diversity',
    wai: 'Working alliance (WAI-O-S)',
  } satisfies Record<EvaluationMeasure, string>,
  evaluation: 'evaluation',
  datasets: 'Datasets',
  results: 'Results',
  charts: 'Charts',
  settings: 'Settings',
  runs: 'runs',
  endedBy: 'ended by',
  minTurns: 'at least turns',
  maxTurns: 'at most turns',
  tags: 'tags',
  ...tableText.en,
  none: 'none',
  /** Why a session was left out (overlap.ts's reasons). */
  reasons: { 'no card': 'no card', 'card has no words': 'card has no words' } as Record<string, string>,
  settingNames: settingNames.en,
  sessionCount: (n: number) => `${n} session${n === 1 ? '' : 's'}`,
  excluded: (name: string, n: number, list: string) => `${name}: ${n} session${n === 1 ? '' : 's'} left out (no usable card): ${list}`,
  footer: 'Mean ± sd (sample sd, n − 1); lengths in characters (grapheme clusters). t-tests are two-tailed, independent samples; p from the t distribution (regularised incomplete beta).',
};

export type ReportText = typeof en;

const zh: ReportText = {
  measures: {
    stats: '数据集统计（表 1）',
    overlap: '词汇重叠率（公式 1）',
    semantic: '语义一致性（公式 2）',
    topics: '话题多样性',
    wai: '工作联盟（WAI-O-S）',
  },
  evaluation: '评估',
  datasets: '数据集',
  results: '结果',
  charts: '图表',
  settings: '设置',
  runs: '运行',
  endedBy: '结束方式',
  minTurns: '最少轮数',
  maxTurns: '最多轮数',
  tags: '标签',
  ...tableText.zh,
  none: '无',
  reasons: { 'no card': '无角色卡', 'card has no words': '角色卡中没有词' },
  settingNames: settingNames.zh,
  sessionCount: (n: number) => `${n} 个会话`,
  excluded: (name: string, n: number, list: string) => `${name}：${n} 个会话因没有可用的角色卡未计入：${list}`,
  footer: '均值 ± 标准差（样本标准差，n − 1）；长度按字符（字素簇）计。t 检验为双尾独立样本检验；p 值由 t 分布（正则化不完全贝塔函数）精确计算。',
};

export const reportText = { en, zh };
