import { createRequire } from 'node:module';
import type { CardLanguage } from '../contract/role-card';
import { chartText, evaluationCharts, type ChartOption } from '../contract/evaluation-charts';
import type { EvaluationDetail, OverlapSummary, StatsSummary, StatisticsView, StoredDataset, TopicsSummary, WaiSummary } from '../contract/evaluation';
import { topicsTable, waiTable, type ResultTable } from '../contract/evaluation-tables';
import { fixed, meanSdText as meanSd, testText as testLine } from '../contract/evaluation-format';
import { reportText, type ReportText } from './report-text';

// A stored evaluation as one self-contained HTML file: its tables, its charts inline as SVG
// (drawn here by echarts' server-side renderer, so no browser and no script is needed to see
// them), the exact settings, the datasets and their sizes, the app version. It opens offline:
// no external script, style, font or image.

interface EChartsModule {
  init(dom: null, theme: null, options: { renderer: 'svg'; ssr: true; width: number; height: number }): {
    setOption(option: ChartOption): void;
    renderToSVGString(): string;
    dispose(): void;
  };
}

let echarts: EChartsModule | undefined;

/** echarts is large: loaded when a chart is first drawn, so no other command pays for it. */
function loadEcharts(): EChartsModule {
  echarts ??= createRequire(__filename)('echarts') as EChartsModule;
  return echarts;
}

/** One chart as an SVG string (the same option the window draws). */
export function chartSvg(option: ChartOption, size = { width: 760, height: 380 }): string {
  const chart = loadEcharts().init(null, null, { renderer: 'svg', ssr: true, ...size });
  try {
    chart.setOption(option);
    return chart.renderToSVGString();
  } finally {
    chart.dispose();
  }
}

const escape = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
const table = (head: string[], rows: string[][]) =>
  `<table><thead><tr>${head.map((h) => `<th>${escape(h)}</th>`).join('')}</tr></thead><tbody>${rows
    .map((r) => `<tr>${r.map((c, i) => (i === 0 ? `<th>${escape(c)}</th>` : `<td>${escape(c)}</td>`)).join('')}</tr>`)
    .join('')}</tbody></table>`;

export const datasetName = (d: StoredDataset, key: 'a' | 'b') => `${key.toUpperCase()}: ${d.runs.map((r) => r.title.trim() || `#${r.id}`).join(', ')}`;

function filterText(d: StoredDataset, t: ReportText): string {
  const s = d.spec;
  const parts = [`${t.runs}: ${d.runs.map((r) => `${r.id} (${r.kind})`).join(', ')}`];
  if (s.endReasons?.length) parts.push(`${t.endedBy}: ${s.endReasons.join(', ')}`);
  if (s.minTurns !== undefined) parts.push(`${t.minTurns}: ${s.minTurns}`);
  if (s.maxTurns !== undefined) parts.push(`${t.maxTurns}: ${s.maxTurns}`);
  if (s.tags?.length) parts.push(`${t.tags}: ${s.tags.join(', ')}`);
  return parts.join('; ');
}

function statsTable(s: StatsSummary, names: string[], t: ReportText): string {
  const all: StatisticsView[] = [s.a, ...(s.b ? [s.b] : [])];
  const rows: string[][] = [
    [t.sessions, ...all.map((x) => String(x.sessions))],
    [t.turns, ...all.map((x) => meanSd(x.turns))],
  ];
  for (const [label, role] of [
    [t.client, 'client'],
    [t.counselor, 'counselor'],
  ] as const) {
    rows.push([`${label} · ${t.utterances}`, ...all.map((x) => String(x[role].utterances))]);
    rows.push([`${label} · ${t.chars}`, ...all.map((x) => meanSd(x[role].chars, 1))]);
    if (all.some((x) => x[role].words)) rows.push([`${label} · ${t.words}`, ...all.map((x) => meanSd(x[role].words, 1))]);
  }
  return table(['', ...names], rows);
}

function overlapTables(s: OverlapSummary, names: string[], t: ReportText): string {
  const groups = [s.a, ...(s.b ? [s.b] : [])];
  const rows = groups.flatMap((g, i) => [
    [`${names[i]} · ${t.mapping}`, String(g.n), fixed(g.mapping.mean, 4), fixed(g.mapping.sd, 4)],
    [`${names[i]} · ${t.random}`, String(g.n), fixed(g.random.mean, 4), fixed(g.random.sd, 4)],
  ]);
  const tests = groups
    .map((g, i) => `<p class="test"><b>${escape(names[i]!)}, ${escape(t.mapping)} vs ${escape(t.random)}:</b> ${escape(testLine('Student', g.student))}; ${escape(testLine('Welch', g.welch))}</p>`)
    .join('');
  const between = s.between
    ? `<p class="test"><b>${escape(t.mapping)}, A vs B:</b> ${escape(testLine('Student', s.between.student))}; ${escape(testLine('Welch', s.between.welch))}</p>`
    : '';
  const excluded = groups
    .map((g, i) => (g.excluded.length ? `<p class="note">${escape(t.excluded(names[i]!, g.excluded.length, g.excluded.map((e) => `${e.sessionId} (${t.reasons[e.reason] ?? e.reason})`).join(', ')))}</p>` : ''))
    .join('');
  return table(['', 'n', t.mean, t.sd], rows) + tests + between + excluded;
}

function resultTable(r: ResultTable): string {
  return (
    table(r.head, r.rows) +
    r.tests.map((x) => `<p class="test">${escape(x)}</p>`).join('') +
    r.notes.map((x) => `<p class="note">${escape(x)}</p>`).join('')
  );
}

function resultsHtml(e: EvaluationDetail, names: string[], t: ReportText): string {
  switch (e.measure) {
    case 'stats':
      return statsTable(e.summary as unknown as StatsSummary, names, t);
    case 'overlap':
    case 'semantic':
      return overlapTables(e.summary as unknown as OverlapSummary, names, t);
    case 'topics':
      return resultTable(topicsTable(e.summary as unknown as TopicsSummary, names, t));
    case 'wai':
      return resultTable(waiTable(e.summary as unknown as WaiSummary, names, t));
  }
}

/** A setting as the report shows it: long texts (a prompt template, the topic list) in a scrolling block. */
function settingHtml(v: unknown, none: string): string {
  const text = v === null ? none : typeof v === 'string' ? v : JSON.stringify(v, null, typeof v === 'object' ? 1 : undefined);
  return text.length > 160 || text.includes('\n') ? `<pre class="long">${escape(text)}</pre>` : escape(text);
}

export function evaluationReportHtml(e: EvaluationDetail, language: CardLanguage = 'en'): string {
  const t = reportText[language];
  const names = [datasetName(e.datasets.a, 'a'), ...(e.datasets.b ? [datasetName(e.datasets.b, 'b')] : [])];
  const measure = t.measures[e.measure];
  const results = resultsHtml(e, names, t);
  const charts = evaluationCharts(e, chartText[language], { a: names[0]!, b: names[1] ?? null })
    .map((c) => `<figure data-chart="${escape(c.key)}">${chartSvg(c.option, { width: 760, height: c.height ?? 380 })}</figure>`)
    .join('');
  const datasets = [e.datasets.a, ...(e.datasets.b ? [e.datasets.b] : [])]
    .map((d, i) => `<li><b>${escape(names[i]!)}</b>: ${escape(t.sessionCount(d.sessionIds.length))}; ${escape(filterText(d, t))}</li>`)
    .join('');
  const settings = Object.entries(e.settings)
    .map(([k, v]) => `<tr><th>${escape(t.settingNames[k] ?? k)}</th><td>${settingHtml(v, t.none)}</td></tr>`)
    .join('');
  return `<!doctype html>
<html lang="${language === 'zh' ? 'zh-CN' : 'en'}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<title>${escape(`${measure} · ${e.title}`)}</title>
<style>
  body { font: 14px/1.55 -apple-system, "Segoe UI", "PingFang SC", "Noto Sans CJK SC", "Microsoft YaHei", sans-serif; color: #1f2328; max-width: 880px; margin: 32px auto; padding: 0 20px; }
  h1 { font-size: 22px; margin-bottom: 4px; } h2 { font-size: 16px; margin-top: 28px; border-bottom: 1px solid #d8dee4; padding-bottom: 4px; }
  .meta { color: #59636e; } table { border-collapse: collapse; margin: 8px 0; } th, td { border: 1px solid #d8dee4; padding: 4px 10px; text-align: right; }
  thead th { background: #f3f5f8; } tbody th { text-align: left; font-weight: 500; } .test { font-family: ui-monospace, Menlo, Consolas, monospace; font-size: 13px; }
  .note { color: #8a5a00; } figure { margin: 12px 0; } figure svg { max-width: 100%; height: auto; } .settings td { text-align: left; word-break: break-word; }
  pre.long { max-height: 220px; overflow: auto; margin: 0; white-space: pre-wrap; font-size: 12px; text-align: left; }
</style>
</head>
<body>
<h1>${escape(measure)}</h1>
<p class="meta">${escape(e.title)} · ${escape(t.evaluation)} #${e.id} · ${escape(e.createdAt.replace('T', ' ').replace(/\.\d+Z$/, ' UTC'))} · SimPsy Studio ${escape(e.appVersion)}</p>
<h2>${escape(t.datasets)}</h2>
<ul>${datasets}</ul>
<h2>${escape(t.results)}</h2>
${results}
${charts ? `<h2>${escape(t.charts)}</h2>${charts}` : ''}
<h2>${escape(t.settings)}</h2>
<table class="settings">${settings}</table>
<p class="meta">${escape(t.footer)}</p>
</body>
</html>
`;
}
