import { createHash } from 'node:crypto';
import { DomainError } from '../common/errors';

/** A host key's fingerprint exactly as `ssh-keygen -l` prints it: SHA256: and unpadded base64. */
export const fingerprint = (hostKey: Buffer): string => `SHA256:${createHash('sha256').update(hostKey).digest('base64').replace(/=+$/, '')}`;

export type HostKeyVerdict =
  | { kind: 'known' }
  /** First use (or a change) confirmed by the user typing this exact fingerprint. */
  | { kind: 'accepted' }
  | { kind: 'unknown' }
  | { kind: 'changed'; was: string };

/**
 * The host-key policy (docs/finetuning.md, "Connections"): a known key connects; an unknown
 * one connects only when the user accepted that exact fingerprint; a changed one is refused,
 * unless the user accepted the new fingerprint on purpose, after checking it. Decided before
 * authentication, so a refused server never sees a signature of the user's key.
 */
export function judgeHostKey(seen: string, stored: string | null, accept: string | undefined): HostKeyVerdict {
  if (stored === seen) return { kind: 'known' };
  if (accept !== undefined && accept === seen) return { kind: 'accepted' };
  return stored === null ? { kind: 'unknown' } : { kind: 'changed', was: stored };
}

/** A host key not (or no longer) accepted: the app shows `seen` for the person to check, and `previous` when it changed. */
export class HostKeyRefused extends DomainError {
  constructor(
    message: string,
    readonly seen: string,
    readonly previous: string | null,
  ) {
    super('conflict', message);
  }
}

/** The refusal a person reads, saying what to check and how to go on. */
export function hostKeyRefusal(where: string, seen: string, verdict: HostKeyVerdict, accept: string | undefined): HostKeyRefused {
  const mismatch = accept !== undefined ? ` (--accept-host-key ${accept} does not match it)` : '';
  if (verdict.kind === 'changed') {
    return new HostKeyRefused(
      `WARNING: the host key of ${where} has CHANGED: it was ${verdict.was}, now it is ${seen}${mismatch}. ` +
        'Someone may be intercepting the connection, or the server was reinstalled. Nothing was sent. ' +
        `Ask the server's administrator for its fingerprint (ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub); only if it is ${seen}, accept it with --accept-host-key ${seen}.`,
      seen,
      verdict.was,
    );
  }
  return new HostKeyRefused(
    `${where} is not known yet: its host key fingerprint is ${seen}${mismatch}. ` +
      `Check it with the server's administrator (ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub on the server), then connect again with --accept-host-key ${seen}.`,
    seen,
    null,
  );
}
