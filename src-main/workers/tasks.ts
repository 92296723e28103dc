import { overlapTask } from '../evaluation/overlap-task';
import { duplicatesTask } from '../role-cards/duplicates';
import { readInputTask } from '../role-cards/import';
import { importTask } from '../role-cards/import-task';
import { indexTask } from '../role-cards/index-task';
import { ratingsTask } from '../ratings/ratings';
import { dialogueImportTask } from '../simulation/import-task';
import type { TaskRegistry } from './task';

// The app's worker tasks, by name. A new capability adds its line here (evaluation:
// tokenising sessions, bootstraps; the arena: rating bootstraps); the task itself lives with
// its capability. Every worker thread loads all of these modules when it starts, so keep
// their imports cheap: a task needing a large resource (a tokeniser's dictionary) loads it at
// its first run and keeps it for the thread's next tasks.

export const appTasks = {
  'cards.duplicates': duplicatesTask,
  'cards.readInput': readInputTask,
  'cards.import': importTask,
  'cards.index': indexTask,
  'ratings.compute': ratingsTask,
  'evaluation.overlap': overlapTask,
  'dialogues.import': dialogueImportTask,
} satisfies TaskRegistry;

export type AppTasks = typeof appTasks;
