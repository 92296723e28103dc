import { targetExists, type Result } from '@contract';
import { currentMessages } from '../i18n';
import { confirmDanger } from './feedback';

/**
 * Sends an export; when main refuses because the target exists, asks the person and, if they
 * agree, sends it again with `overwrite: true`. Null when they keep the old file. (Main never
 * replaces a SQLite file, whatever the answer.)
 */
export async function exportAsking<T>(send: (overwrite: boolean) => Promise<Result<T>>, path: string, kind: 'file' | 'folder'): Promise<Result<T> | null> {
  const first = await send(false);
  if (first.ok || !targetExists(first.error)) return first;
  const m = currentMessages().replace;
  const replace = await confirmDanger({ title: m.title, content: kind === 'folder' ? m.folder(path) : m.file(path), okText: m.ok, cancelText: m.cancel });
  return replace ? send(true) : null;
}
