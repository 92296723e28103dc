import type { HandlerPart } from '../handler-table';
import { HostKeyRefused } from '../../ssh/host-key';
import { probeServer } from '../../ssh/probe';
import { toProfileView } from '../../ssh/profiles';
import { withSession } from '../../ssh/session';

// Connections to GPU servers (issue 11). A passphrase goes in encrypted by the app's secret
// box and never comes back: every answer is a view. "Test" turns a host key that is not
// accepted yet (or changed) into an answer the window shows, rather than an error.

export const sshHandlers: HandlerPart<'ssh:list' | 'ssh:add' | 'ssh:remove' | 'ssh:test'> = {
  'ssh:list': (_input, ctx) => ctx.sshProfiles.list().map(toProfileView),
  'ssh:add': (input, ctx) => toProfileView(ctx.sshProfiles.create(input)),
  'ssh:remove': ({ id }, ctx) => {
    ctx.sshProfiles.remove(id);
    return { removed: true };
  },
  'ssh:test': async ({ id, acceptHostKey }, ctx) => {
    const deps = { profiles: ctx.sshProfiles, secrets: ctx.secrets, env: ctx.env };
    try {
      const report = await withSession(deps, ctx.sshProfiles.get(id), acceptHostKey ? { acceptHostKey } : {}, (session) => probeServer(session));
      return { kind: 'report', report };
    } catch (error) {
      if (error instanceof HostKeyRefused) return { kind: 'hostKey', fingerprint: error.seen, previous: error.previous, message: error.message };
      throw error;
    }
  },
};
