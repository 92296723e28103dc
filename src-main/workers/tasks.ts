import type { TaskRegistry } from './task';

// The app's worker tasks, by name. Each is loaded on first use, in whichever thread runs it.
// A new capability adds its line here (evaluation: tokenising sessions, bootstraps; the
// arena: rating bootstraps); the task itself lives with its capability.

export const appTasks = {
  'cards.duplicates': async () => (await import('../role-cards/duplicates')).duplicatesTask,
  'cards.readInput': async () => (await import('../role-cards/import')).readInputTask,
} satisfies TaskRegistry;

export type AppTasks = typeof appTasks;
