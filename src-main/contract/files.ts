import { z } from 'zod';

// The renderer cannot see the file system; it asks main to show the system's file dialog
// and gets back the absolute path the person chose (or null if they cancelled).

export const fileChooseInput = z.strictObject({
  mode: z.enum(['open-file', 'open-folder', 'save-file']),
  title: z.string().max(200).optional(),
  defaultName: z.string().max(255).optional(),
  filters: z
    .array(z.strictObject({ name: z.string().max(100), extensions: z.array(z.string().regex(/^[A-Za-z0-9*]{1,10}$/)).max(20) }))
    .max(10)
    .optional(),
});
export type FileChooseInput = z.infer<typeof fileChooseInput>;

export interface FileChoice {
  /** Absolute path, or null when the dialog was cancelled. */
  path: string | null;
}
