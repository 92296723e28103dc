import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';

// Who runs a job: a lease, not a process id. The owner writes a random token, its pid and
// host, and a heartbeat it renews every `heartbeatMs` while the job runs. Another process may
// pause or take over a running job when the lease is stale:
//  - its heartbeat is older than `staleMs` (a crash, a kill, a reboot, a frozen or suspended
//    owner; whatever its pid now belongs to), or
//  - its owner is on this host and its process is certainly gone: no such pid, or a zombie
//    (dead, waiting for a parent that may never reap it). This is what lets `runs resume`
//    follow a `kill -9` at once instead of waiting for the heartbeat to age.
// A live pid proves nothing (after a reboot or a while, it may be anyone's), so it never
// keeps a job whose heartbeat is stale.

export interface LeaseTiming {
  /** How often the owner renews its heartbeat. */
  heartbeatMs: number;
  /** A heartbeat older than this is stale: several missed renewals, not one slow one. */
  staleMs: number;
}

export const DEFAULT_LEASE: LeaseTiming = { heartbeatMs: 2_000, staleMs: 15_000 };

export interface LeaseOwner {
  token: string;
  pid: number;
  host: string;
}

/** A new owner identity: one per job store, so two contexts in one process are two owners. */
export const newOwner = (): LeaseOwner => ({ token: randomUUID(), pid: process.pid, host: hostname() });

export interface LeaseRow {
  owner_token: string | null;
  owner_pid: number | null;
  owner_host: string | null;
  heartbeat_at: number | null;
}

/** `gone`: certainly not running; `unknown`: a process with that pid exists (it may be another one). */
export type ProcessProbe = (pid: number) => 'gone' | 'unknown';

export const probeProcess: ProcessProbe = (pid) => {
  try {
    process.kill(pid, 0);
  } catch (error) {
    // EPERM: it exists but belongs to another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM' ? 'unknown' : 'gone';
  }
  return isZombie(pid) ? 'gone' : 'unknown';
};

/** Linux: state Z in /proc/PID/stat (after the command name, which may hold spaces and parentheses). */
function isZombie(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.charAt(stat.lastIndexOf(')') + 2) === 'Z';
  } catch {
    return false; // no /proc (macOS, Windows): the heartbeat decides
  }
}

export function isStale(row: LeaseRow, at: number, timing: LeaseTiming, me: LeaseOwner, probe: ProcessProbe = probeProcess): boolean {
  if (row.owner_token === me.token) return false;
  if (row.heartbeat_at === null || at - row.heartbeat_at > timing.staleMs) return true;
  return row.owner_host === me.host && row.owner_pid !== null && probe(row.owner_pid) === 'gone';
}

/** "process 4242 on lab-1 (since 2025-06-01 14:02:07 UTC, heartbeat 1 s ago)", for errors and `runs show`. */
export function describeOwner(row: LeaseRow & { started_at: string | null }, at: number): string {
  const since = row.started_at ? `since ${row.started_at.slice(0, 19).replace('T', ' ')} UTC, ` : '';
  const beat = row.heartbeat_at === null ? 'no heartbeat' : `heartbeat ${Math.max(0, Math.round((at - row.heartbeat_at) / 1000))} s ago`;
  return `process ${row.owner_pid ?? '?'} on ${row.owner_host ?? 'an unknown host'} (${since}${beat})`;
}
