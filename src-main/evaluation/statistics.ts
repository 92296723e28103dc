import type { AgentRole } from '../contract/simulation';
import { graphemeLength } from '../contract/text';
import type { Dataset } from './dataset';
import { meanSd, type MeanSd } from './describe';
import { tokeniserFor } from './words';

// Dataset statistics (paper Table 1). Definitions:
//  - turns of a session: its counselor replies (a session that ends with the counselor, as
//    every finished simulation does, has 2 × turns messages: the paper's len(dialogue)/2);
//  - utterances: every stored message of the role, the client's opener included (in the
//    paper's SimPsyDial the counts of both roles are equal, 12,948, which needs the opener);
//  - utterance length: characters as grapheme clusters (graphemeLength, the same counting
//    as refinement's 200-character limit), mean and sd over all utterances of the role
//    pooled across sessions (the paper: total characters / utterances);
//  - words (English datasets only): the overlap tokeniser's words per utterance, so "word"
//    means one thing in every measure.

export interface RoleStatistics {
  utterances: number;
  chars: MeanSd;
  /** English only; null for Chinese, where a word count would depend on the segmenter. */
  words: MeanSd | null;
}

export interface DatasetStatistics {
  sessions: number;
  turns: MeanSd;
  client: RoleStatistics;
  counselor: RoleStatistics;
}

export function datasetStatistics(dataset: Dataset): DatasetStatistics {
  const english = dataset.language === 'en' ? tokeniserFor('en') : null;
  const role = (r: AgentRole): RoleStatistics => {
    const texts = dataset.sessions.flatMap((s) => s.messages.filter((m) => m.role === r).map((m) => m.content));
    return {
      utterances: texts.length,
      chars: meanSd(texts.map(graphemeLength)),
      words: english ? meanSd(texts.map((t) => english.words(t).length)) : null,
    };
  };
  return {
    sessions: dataset.sessions.length,
    turns: meanSd(dataset.sessions.map((s) => s.messages.filter((m) => m.role === 'counselor').length)),
    client: role('client'),
    counselor: role('counselor'),
  };
}
