import type { SecretBox } from '../endpoints/secret-box';
import { connect, type SshSession } from './connect';
import type { SshProfileRecord, SshProfileRepository } from './profiles';

export interface SshDeps {
  profiles: SshProfileRepository;
  secrets: SecretBox;
  env: NodeJS.ProcessEnv;
}

/**
 * Opens a session on the profile, records a host key the user just accepted (only once the
 * server proved it holds that key and let us in), runs `work`, and always closes.
 */
export async function withSession<T>(
  deps: SshDeps,
  profile: SshProfileRecord,
  options: { acceptHostKey?: string },
  work: (session: SshSession) => Promise<T>,
): Promise<T> {
  const session = await connect(profile, { secrets: deps.secrets, env: deps.env, ...(options.acceptHostKey ? { acceptHostKey: options.acceptHostKey } : {}) });
  try {
    if (session.newlyAccepted) deps.profiles.acceptHostKey(profile.id, session.hostKey);
    return await work(session);
  } finally {
    session.close();
  }
}
