import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { CardLanguage } from '../contract/role-card';
import { DomainError } from '../common/errors';

// The words of a text, for the vocabulary overlap (Eq. 1) and English word counts (Table 1).
//  - Chinese: @node-rs/jieba (jieba-rs with jieba's default dictionary), precise mode
//    (`cut`) with the HMM for words not in the dictionary: the paper's tool, jieba.lcut.
//  - English: Intl.Segmenter word segments (Unicode UAX #29), so "don't" and "3.5" stay one
//    word where jieba would split them at the apostrophe and the point.
// Then both: tokens are lower-cased, and a token made only of punctuation, symbols,
// separators (spaces) or control/format characters (\p{P} \p{S} \p{Z} \p{Cc} \p{Cf}) is
// dropped: "，", "——", "😀", "\n". Tokens with any letter or digit stay ("20", "e-mail").
// docs/evaluation.md has a worked example.

export interface Tokeniser {
  /** What made the words, recorded with every result: tool, version, mode. */
  readonly description: string;
  words(text: string): string[];
}

const notAWord = /^[\p{P}\p{S}\p{Z}\p{Cc}\p{Cf}]*$/u;

const keep = (tokens: Iterable<string>): string[] => {
  const out: string[] = [];
  for (const t of tokens) if (!notAWord.test(t)) out.push(t.toLowerCase());
  return out;
};

interface JiebaModule {
  Jieba: { withDict(dict: Uint8Array): { cut(text: string, hmm?: boolean): string[] } };
}

let chinese: Tokeniser | undefined;

/**
 * jieba loads its 5 MB dictionary once per process (about 0.7 s), so it is required on first
 * use rather than imported: no other `simpsy` command pays for it. (A runtime require also
 * keeps the bundler away from the native module.)
 */
function chineseTokeniser(): Tokeniser {
  if (chinese) return chinese;
  const load = createRequire(__filename);
  const { Jieba } = load('@node-rs/jieba') as JiebaModule;
  const { dict } = load('@node-rs/jieba/dict') as { dict: Uint8Array };
  const { version } = load('@node-rs/jieba/package.json') as { version: string };
  const jieba = Jieba.withDict(dict);
  chinese = {
    description: `@node-rs/jieba ${version}, default dictionary, precise mode with HMM; lower-cased; punctuation, symbols and spaces dropped`,
    words: (text) => keep(jieba.cut(text, true)),
  };
  return chinese;
}

const englishSegmenter = new Intl.Segmenter('en', { granularity: 'word' });

const english: Tokeniser = {
  description: `Intl.Segmenter word segments (Unicode ${process.versions.unicode ?? ''}, ICU ${process.versions.icu ?? ''}); lower-cased; punctuation, symbols and spaces dropped`,
  words: (text) => keep(Array.from(englishSegmenter.segment(text), (s) => s.segment)),
};

export function tokeniserFor(language: CardLanguage): Tokeniser {
  return language === 'zh' ? chineseTokeniser() : english;
}

/** A stopword list: one word a line, blank lines and lines starting with # ignored; lower-cased like the words. */
export function readStopwords(path: string): Set<string> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8').replace(/^\uFEFF/, '');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new DomainError('validation', `Cannot read the stopword list ${path}${code === 'ENOENT' ? ': no such file' : code === 'EISDIR' ? ': it is a folder' : `: ${(error as Error).message}`}; give a UTF-8 text file with one word a line.`);
  }
  const words = new Set(
    text
      .split(/\r?\n/)
      .map((l) => l.trim())
      .filter((l) => l !== '' && !l.startsWith('#'))
      .map((l) => l.toLowerCase()),
  );
  if (words.size === 0) throw new DomainError('validation', `The stopword list ${path} has no words; give one word a line (lines starting with # are comments).`);
  return words;
}
