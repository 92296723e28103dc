import type { ServeDeps } from '../ssh/serve';
import { RemoteJobStore } from '../ssh/remote-jobs';
import type { AppContext } from './context';

/** What serving a trained model needs, from the app's context: one wiring for the CLI and the IPC handler. */
export const serveDeps = (ctx: AppContext): ServeDeps => ({
  profiles: ctx.sshProfiles,
  secrets: ctx.secrets,
  env: ctx.env,
  jobs: ctx.jobs,
  remoteJobs: new RemoteJobStore(ctx.db),
  endpoints: ctx.endpoints,
  counselors: ctx.arena.counselors,
  served: ctx.servedModels,
  tunnels: ctx.tunnels,
});
