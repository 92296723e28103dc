import { z } from 'zod';
import { absolutePath } from './role-card';

// Offline annotation (issue 10, Must-have 5 and 7) between the window and main. The annotator
// opens a package file, picks, and exports their work with no researcher's database; the
// researcher builds packages from an arena run, imports work files and reads the agreement.
// The computing is in src-main/annotation/.

export const annotationPicks = ['left', 'right', 'tie', 'bothbad'] as const;
export type AnnotationPick = (typeof annotationPicks)[number];
export const annotationChoices = ['A', 'B', 'tie', 'bothbad'] as const;
export type AnnotationChoice = (typeof annotationChoices)[number];

// A name becomes a file name (their package) and a rater's label.
const annotatorName = z
  .string()
  .trim()
  .min(1)
  .max(64)
  .regex(/^[^\\/:*?"<>|\p{Cc}]+$/u, 'An annotator name may not contain / \\ : * ? " < > | or control characters');
const workKey = z.string().regex(/^[0-9a-f]{24}$/, 'A work-in-progress key is 24 hex digits');
const arenaId = z.number().int().positive();
const position = z.number().int().min(0).max(1_000_000);

export const annotationOpenInput = z.strictObject({ path: absolutePath, annotator: annotatorName });
export const annotationResumeInput = z.strictObject({ key: workKey });
export const annotationRecordInput = z.strictObject({
  key: workKey,
  itemId: z.string().min(1).max(200),
  pick: z.enum(annotationPicks).nullable(),
  note: z.string().max(5000).nullable(),
  position,
});
export const annotationMoveInput = z.strictObject({ key: workKey, position });
export const annotationExportInput = z.strictObject({ key: workKey, path: absolutePath, overwrite: z.boolean().optional() });
export const annotationPackageInput = z.strictObject({
  arenaId,
  annotators: z.array(annotatorName).min(1).max(100),
  perItem: z.number().int().min(1).max(100),
  seed: z.number().int().min(0).max(2 ** 31 - 1),
  guidelines: z.string().max(20_000).optional(),
  folder: absolutePath,
  overwrite: z.boolean().optional(),
});
export const annotationImportInput = z.strictObject({ paths: z.array(absolutePath).min(1).max(500) });
export const annotationArenaInput = z.strictObject({ arenaId });

export interface AnnotationTurn {
  role: 'client' | 'counselor';
  content: string;
}

export interface AnnotationItemView {
  itemId: string;
  history: AnnotationTurn[];
  left: string;
  right: string;
  leftIs: 'a' | 'b';
}

export interface AnnotationItemWork {
  pick: AnnotationPick | null;
  note: string | null;
  at: string | null;
}

export interface AnnotatorSessionView {
  key: string;
  packageId: string;
  annotator: string;
  guidelines: string;
  items: AnnotationItemView[];
  work: Record<string, AnnotationItemWork>;
  position: number;
  exports: number;
}

export interface SavedAnnotationWork {
  key: string;
  annotator: string;
  items: number;
  done: number;
  updatedAt: string;
}

export interface AnnotationArena {
  id: number;
  title: string;
  language: 'zh' | 'en';
  /** Battle turns that can be annotated. */
  items: number;
  humanVerdicts: number;
  /** The guidelines a new package gets unless edited: Prompt 2's principles in the run's language. */
  defaultGuidelines: string;
}

export interface AnnotationImportRow {
  file: string;
  annotator: string | null;
  status: 'added' | 'unchanged' | 'updated' | 'conflict' | 'refused';
  revision: number | null;
  verdicts: number | null;
  message: string | null;
}

/** Agreement of two raters; κ and shares are null when undefined (no items, or every verdict in one category). */
export interface AnnotationPairView {
  first: string;
  second: string;
  n: number;
  accuracy: number | null;
  kappa: number | null;
  /** [i][j]: items the first rater put in annotationChoices[i] and the second in annotationChoices[j]. */
  confusion: number[][];
  disagreements: { itemId: string; first: { rater: string; choice: AnnotationChoice }; second: { rater: string; choice: AnnotationChoice } }[];
}

export interface AnnotationAgreementView {
  arenaId: number;
  annotators: string[];
  humanVerdicts: number;
  judges: AnnotationPairView[];
  between: { pairs: AnnotationPairView[]; fleiss: { items: number; raters: number; kappa: number | null }; fleissLeftOut: number };
  items: Record<string, { itemId: string; modelA: string; modelB: string; history: AnnotationTurn[]; a: string; b: string }>;
  imports: { file: string; annotator: string; revision: number; status: 'added' | 'unchanged' | 'updated' | 'conflict'; message: string | null; importedAt: string }[];
}
