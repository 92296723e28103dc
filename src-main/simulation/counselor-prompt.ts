import type { CardLanguage } from '../contract/role-card';
import type { RunSnapshot } from '../contract/simulation';
import type { Db } from '../storage/database';
import { counselorTemplate } from './resources';

// The counselor's system prompt of a run, for training exports: the template its snapshot
// recorded (what the counselor was actually told), or, for a run without one (an import),
// the shipped default of the run's language.

export interface CounselorPrompt {
  text: string;
  /** `snapshot`: the run's own; `default`: the shipped template, the run recording none. */
  source: 'snapshot' | 'default';
}

/** A lookup by run id that reads each run's snapshot once. */
export function counselorPrompts(db: Db, resourcesDir: string): (runId: number) => CounselorPrompt {
  const cache = new Map<number, CounselorPrompt>();
  const runOf = db.prepare('SELECT config, language FROM sim_runs WHERE id = ?');
  return (runId) => {
    let prompt = cache.get(runId);
    if (prompt === undefined) {
      const run = runOf.get(runId) as { config: string; language: CardLanguage };
      let config: Partial<RunSnapshot> = {};
      try {
        config = JSON.parse(run.config) as Partial<RunSnapshot>;
      } catch {
        // an unreadable snapshot falls back to the default prompt
      }
      const own = config.counselor?.template;
      prompt = own ? { text: own, source: 'snapshot' } : { text: counselorTemplate(resourcesDir, run.language), source: 'default' };
      cache.set(runId, prompt);
    }
    return prompt;
  };
}
