import { statSync } from 'node:fs';
import { basename } from 'node:path';
import type { SFTPWrapper } from 'ssh2';
import { DomainError } from '../common/errors';
import type { SshSession } from './connect';

export interface UploadFile {
  /** The file on this computer. */
  local: string;
  /** Its name in the remote folder. */
  name: string;
}

/** Bytes sent of all files together (skipped complete files count as sent), and the file now going. */
export type UploadProgress = (sent: number, total: number, file: string) => void;

const mb = (n: number) => `${(n / 2 ** 20).toFixed(1)} MB`;

/**
 * Uploads files into `dir` over SFTP. Each goes to NAME.part and is renamed when whole, so
 * a dropped connection never leaves a truncated file under its real name; uploading again
 * skips files already there at their full size and sends the rest.
 */
export async function uploadFiles(session: SshSession, dir: string, files: readonly UploadFile[], onProgress: UploadProgress = () => {}): Promise<void> {
  for (const f of files) {
    if (!/^[^/\0]+$/.test(f.name) || f.name === '.' || f.name === '..') throw new DomainError('validation', `'${f.name}' cannot name an uploaded file.`);
  }
  const sizes = files.map((f) => {
    try {
      return statSync(f.local).size;
    } catch {
      throw new DomainError('not_found', `Cannot read ${f.local} to upload it: it does not exist or is not readable.`);
    }
  });
  const total = sizes.reduce((a, b) => a + b, 0);
  // A dropped connection does not fail SFTP requests in flight: they would wait forever. So
  // every step races the connection's end.
  let dropped = false;
  let onClose = () => {};
  const closed = new Promise<never>((_, reject) => {
    onClose = () => {
      dropped = true;
      reject(new Error('connection closed'));
    };
  });
  closed.catch(() => {});
  session.client.once('close', onClose);
  const step = <T>(work: Promise<T>) => Promise.race([work, closed]);
  let sent = 0;
  let current = files[0]?.name ?? '';
  try {
    const sftp = await step(session.sftp());
    for (const [i, f] of files.entries()) {
      current = f.name;
      const remote = `${dir}/${f.name}`;
      if ((await step(remoteSize(sftp, remote))) === sizes[i]) {
        sent += sizes[i]!;
        onProgress(sent, total, f.name);
        continue;
      }
      const before = sent;
      await step(
        new Promise<void>((resolve, reject) =>
          sftp.fastPut(f.local, `${remote}.part`, { step: (done) => onProgress((sent = before + done), total, f.name) }, (error) => (error ? reject(error) : resolve())),
        ),
      );
      await step(new Promise<void>((resolve, reject) => sftp.ext_openssh_rename(`${remote}.part`, remote, (error) => (error ? reject(error) : resolve()))));
      sent = before + sizes[i]!;
      onProgress(sent, total, f.name);
    }
  } catch (error) {
    if (dropped || /no response|not connected|closed|ECONNRESET/i.test((error as Error).message)) {
      throw new DomainError(
        'unavailable',
        `The connection to ${session.profile.host} dropped while uploading ${current} (${mb(sent)} of ${mb(total)} sent). ` +
          'Nothing half-sent is used: upload again to continue; files already complete are skipped.',
      );
    }
    if (error instanceof DomainError) throw error;
    throw new DomainError('unavailable', `Uploading ${basename(current)} to ${session.profile.host}:${dir} failed: ${(error as Error).message}.`);
  } finally {
    session.client.off('close', onClose);
  }
}

const remoteSize = (sftp: SFTPWrapper, path: string) =>
  new Promise<number | null>((resolve) => sftp.stat(path, (error, stats) => resolve(error ? null : stats.size)));
