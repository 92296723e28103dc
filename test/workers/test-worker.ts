import { serveTasks } from '../../src-main/workers/serve';
import { testTasks } from './test-tasks';

serveTasks(testTasks);
