import { BrowserWindow, dialog } from 'electron';
import type { FileChooser } from '../app/file-chooser';

/** The system's open/save dialogs, attached to the focused window. */
export const electronFileChooser: FileChooser = async (request) => {
  const parent = BrowserWindow.getFocusedWindow();
  const filters = request.filters ?? [];
  if (request.mode === 'save-file') {
    const options = { title: request.title, defaultPath: request.defaultName, filters };
    const result = parent ? await dialog.showSaveDialog(parent, options) : await dialog.showSaveDialog(options);
    return { path: result.canceled || !result.filePath ? null : result.filePath };
  }
  const options = {
    title: request.title,
    filters,
    properties: [request.mode === 'open-folder' ? ('openDirectory' as const) : ('openFile' as const)],
  };
  const result = parent ? await dialog.showOpenDialog(parent, options) : await dialog.showOpenDialog(options);
  return { path: result.canceled ? null : (result.filePaths[0] ?? null) };
};
