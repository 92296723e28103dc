import type { FileChoice, FileChooseInput } from '../contract/files';
import { DomainError } from '../common/errors';

/**
 * Shows a file dialog. The app uses Electron's; the browser-test bridge answers from a
 * script; elsewhere (the CLI) there is no dialog, and paths come as arguments instead.
 */
export type FileChooser = (request: FileChooseInput) => Promise<FileChoice>;

export const noFileChooser: FileChooser = async () => {
  throw new DomainError('unavailable', 'There is no file dialog here; pass the path as an argument instead.');
};
