import { serveTasks } from './serve';
import { appTasks } from './tasks';

// The worker thread's entry: a third entry of the main build (out/main/worker.js), or this
// file through tsx when running from sources (see entry.ts).
serveTasks(appTasks);
