import { join } from 'node:path';
import type { CardLanguage } from '../contract/role-card';
import { missingResource, readOptionalResource } from '../simulation/resources';
import type { Turn } from '../simulation/views';

// The supervisor π of Algorithm 2: its prompt (paper Figures 12 and 13, or the user's own
// text) and the reading of its answer. The prompts ask for reasoning first and then
// "- 最后的选择：X" / "- Final choice: X"; real models decorate that line in many ways
// (bold, "回复A", full-width letters, a trailing full stop), so the reading is lenient about
// decoration and strict about meaning: the last final-choice line decides, and anything that
// does not name exactly one of A and B is a failed reading, never a guess.

export type PromptVersion = 1 | 2;
export type Label = 'A' | 'B';

/** The shipped template of Prompt 1 or 2, in the run's language; the trailing newline dropped. */
export function supervisorTemplate(resourcesDir: string, version: PromptVersion, language: CardLanguage): string {
  const relative = join('prompts', `supervisor-${version}.${language}.txt`);
  const text = readOptionalResource(resourcesDir, relative);
  if (text === null) throw missingResource(join(resourcesDir, relative));
  return text.replace(/\r\n/g, '\n').replace(/\n+$/, '');
}

const speakers: Record<CardLanguage, { client: string; counselor: string; candidate: (l: Label) => string }> = {
  zh: { client: '来访者：', counselor: '咨询师：', candidate: (l) => `回复${l}：` },
  en: { client: 'Client: ', counselor: 'Counselor: ', candidate: (l) => `Response ${l}: ` },
};

/** Fills {dialogue_history} and {shuffled_candidates}; `shown` is the replies in the order A, B. */
export function judgePrompt(template: string, language: CardLanguage, history: readonly Turn[], shown: readonly [string, string]): string {
  const s = speakers[language];
  const dialogue = history.map((t) => `${t.role === 'client' ? s.client : s.counselor}${t.content}`).join('\n');
  const candidates = `${s.candidate('A')}${shown[0]}\n${s.candidate('B')}${shown[1]}`;
  return template.split('{dialogue_history}').join(dialogue).split('{shuffled_candidates}').join(candidates);
}

export type JudgeReading = { ok: true; choice: Label } | { ok: false; reason: string };

// The line that carries the verdict. NFKC has already turned "：" into ":" and "Ａ" into "A".
const marker = /(?:最后的选择|最后选择|最终的选择|最终选择|最终答案|final\s+choice|final\s+answer)\s*(?:is|是|为)?\s*:?\s*([^\n]*)/giu;
// Words a model puts between the marker and the letter: "回复A", "Response B", "[A]".
const filler = /^(?:[\s[\]【】()（）"'“”‘’「」《》<>]|回复|回答|选项|候选|response|option|candidate|answer|reply)+/iu;
const decoration = /[*_`#~]/g;

/** The choice in a supervisor's answer, or why there is none. */
export function readChoice(output: string): JudgeReading {
  const text = output.normalize('NFKC').replace(decoration, '');
  // The last marker followed by a letter: a later "最终选择基于共情" in prose is no verdict.
  const lines = [...text.matchAll(marker)].filter((m) => letterAt(m[1]!) !== null);
  const verdict = lines.at(-1);
  if (!verdict) {
    // A bare answer ("B", "回复A") is unambiguous; anything longer without the line is not.
    const bare = letterAt(text.trim());
    if (bare && bare.rest.trim().replace(/[.。!！]$/u, '') === '' && (bare.letter === 'A' || bare.letter === 'B')) return { ok: true, choice: bare.letter };
    return { ok: false, reason: 'no final choice in the answer (expected a line like "最后的选择：A" or "Final choice: B")' };
  }
  const found = letterAt(verdict[1]!)!;
  if (found.letter === 'X') return { ok: false, reason: 'the final choice repeats the placeholder X instead of choosing A or B' };
  if (found.letter !== 'A' && found.letter !== 'B') return { ok: false, reason: `the judge chose "${found.letter}", which is not one of A, B` };
  const other = found.letter === 'A' ? 'B' : 'A';
  if (new RegExp(String.raw`(?:或|或者|和|与|及|还是|or|and|/|,|、)\s*(?:回复|response\s*)?${other}(?![A-Za-z])`, 'iu').test(found.rest)) {
    return { ok: false, reason: `the final choice names both replies: "${clip(verdict[0])}"` };
  }
  return { ok: true, choice: found.letter };
}

/** The letter a choice starts with (after "回复", "Response", brackets), and what follows it. */
function letterAt(s: string): { letter: string; rest: string } | null {
  const cleaned = s.replace(filler, '');
  // A capital letter standing alone ("A", "A。", "A更好", "B) because"), or a lowercase one at the very end.
  const m = /^([A-Z])(?![A-Za-z])/u.exec(cleaned) ?? /^([ab])(?=[\s.。!！]*$)/u.exec(cleaned);
  return m ? { letter: m[1]!.toUpperCase(), rest: cleaned.slice(1) } : null;
}

const clip = (s: string) => (s.length > 80 ? `${s.slice(0, 80)}…` : s).trim();
