import { dirname, join } from 'node:path';
import { agreementJson, arenaAgreement } from '../../annotation/arena-agreement';
import { checkAnnotatorName, readAnnotationFile, workFilesIn, writePackages } from '../../annotation/files';
import { AnnotatorWorkspace } from '../../annotation/workspace';
import type { AppContext } from '../../app/context';
import { DomainError } from '../../common/errors';
import type { AnnotationAgreementView, AnnotationImportRow } from '../../contract/annotation';
import type { HandlerPart } from '../handler-table';

type AnnotationChannel =
  | 'annotation:open'
  | 'annotation:saved'
  | 'annotation:resume'
  | 'annotation:record'
  | 'annotation:move'
  | 'annotation:export'
  | 'annotation:arenas'
  | 'annotation:package'
  | 'annotation:import'
  | 'annotation:agreement';

/** The annotator's works in progress live beside the app's database, in its data folder, never in it: the annotator needs no database of the researcher's. */
const workspace = (ctx: AppContext) => new AnnotatorWorkspace(join(dirname(ctx.dbPath), 'annotation-work'));

export const annotationHandlers: HandlerPart<AnnotationChannel> = {
  'annotation:open': ({ path, annotator }, ctx) => workspace(ctx).open(readAnnotationFile(path), path, annotator),
  'annotation:saved': (_input, ctx) => workspace(ctx).saved(),
  'annotation:resume': ({ key }, ctx) => workspace(ctx).resume(key),
  'annotation:record': (change, ctx) => workspace(ctx).record(change),
  'annotation:move': ({ key, position }, ctx) => {
    workspace(ctx).move(key, position);
    return { moved: true as const };
  },
  'annotation:export': ({ key, path, overwrite }, ctx) => workspace(ctx).export(key, path, overwrite === true, [ctx.dbPath]),
  'annotation:arenas': (_input, ctx) => ctx.annotation.arenas(),
  'annotation:package': ({ arenaId, annotators, perItem, seed, guidelines, folder, overwrite }, ctx) => {
    const files = ctx.annotation.buildPackages(arenaId, { annotators: annotators.map(checkAnnotatorName), perItem, seed, ...(guidelines !== undefined ? { guidelines } : {}) });
    return { packageId: files[0]!.packageId, files: writePackages(files, folder, { overwrite: overwrite === true, protect: [ctx.dbPath] }) };
  },
  // Each file on its own: a refused file is reported beside the others, and stores nothing. A folder stands for its work files.
  'annotation:import': ({ paths }, ctx) =>
    workFilesIn(paths).map((path): AnnotationImportRow => {
      try {
        const r = ctx.annotation.importWork(readAnnotationFile(path), path);
        return { file: path, annotator: r.annotator, status: r.status, revision: r.revision, verdicts: r.verdicts, message: r.message ?? null };
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
        return { file: path, annotator: null, status: 'refused', revision: null, verdicts: null, message: error.message };
      }
    }),
  'annotation:agreement': ({ arenaId }, ctx) => {
    ctx.arena.store.arena(arenaId);
    const figures = JSON.parse(agreementJson(arenaAgreement(ctx.db, arenaId))) as Omit<AnnotationAgreementView, 'imports'>;
    return { ...figures, imports: ctx.annotation.imports(arenaId) };
  },
};
