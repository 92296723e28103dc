import type { ChartSaveInput } from '../contract/evaluation';
import { DomainError } from '../common/errors';
import { writeFileSafely } from '../common/safe-write';

// A chart the window drew, saved where the person chose, through the safe export path (a
// temporary file renamed into place; an existing file replaced only when they agreed).

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

export function saveChart(input: ChartSaveInput, protect: readonly string[]): { path: string } {
  const options = { overwrite: input.overwrite ?? false, protect };
  if (input.format === 'svg') {
    writeFileSafely(input.path, `<?xml version="1.0" encoding="UTF-8"?>\n${input.content.trim()}\n`, options);
    return { path: input.path };
  }
  const png = Buffer.from(input.content, 'base64');
  if (!png.subarray(0, 8).equals(PNG_SIGNATURE)) throw new DomainError('validation', 'The chart is not a PNG image; save it again from the chart.');
  writeFileSafely(input.path, png, options);
  return { path: input.path };
}
