import type { AnnotationAgreementView, AnnotationArena, AnnotationImportRow } from '@contract';
import { create } from 'zustand';
import { currentMessages } from '../../i18n';
import { call, compact } from '../../lib/call';
import { exportAsking } from '../../lib/export-target';
import { notifyError, notifySuccess } from '../../lib/feedback';

// The researcher's tab: the arena runs to annotate, the package builder's settings, the report
// of the last import, and the agreement figures of the chosen run (read again after imports).

export interface ResearchState {
  arenas: AnnotationArena[];
  arenaId: number | null;
  annotators: string[];
  perItem: number;
  seed: number;
  guidelines: string | null;
  built: { annotator: string; file: string; items: number }[];
  report: AnnotationImportRow[];
  agreement: AnnotationAgreementView | null;
  busy: boolean;
}

export const useResearchStore = create<ResearchState>()(() => ({
  arenas: [],
  arenaId: null,
  annotators: [],
  perItem: 1,
  seed: 1,
  guidelines: null,
  built: [],
  report: [],
  agreement: null,
  busy: false,
}));

export const selectArena = (s: ResearchState): AnnotationArena | null => s.arenas.find((a) => a.id === s.arenaId) ?? null;

const set = useResearchStore.setState;
const get = useResearchStore.getState;

async function loadAgreement(): Promise<void> {
  const arenaId = get().arenaId;
  if (arenaId === null) return set({ agreement: null });
  const result = await call(() => window.api.annotation.agreement({ arenaId }));
  if (result.ok && get().arenaId === arenaId) set({ agreement: result.value });
}

export const researchActions = {
  async load(): Promise<void> {
    const result = await call(() => window.api.annotation.arenas());
    if (!result.ok) return;
    const arenaId = get().arenaId ?? result.value[0]?.id ?? null;
    set({ arenas: result.value, arenaId });
    await loadAgreement();
  },

  async chooseArena(arenaId: number): Promise<void> {
    set({ arenaId, guidelines: null, built: [], report: [] });
    await loadAgreement();
  },

  setForm(patch: Partial<Pick<ResearchState, 'annotators' | 'perItem' | 'seed' | 'guidelines'>>): void {
    set(patch);
  },

  async buildPackages(): Promise<void> {
    const s = get();
    const arena = selectArena(s);
    if (!arena) return;
    const m = currentMessages().ann.research;
    const choice = await call(() => window.api.files.choose({ mode: 'open-folder', title: m.build }));
    if (!choice.ok) return notifyError(m.buildFailed, choice.error);
    const folder = choice.value.path;
    if (!folder) return;
    const guidelines = s.guidelines ?? undefined;
    const result = await exportAsking(
      (overwrite) =>
        call(() => window.api.annotation.package(compact({ arenaId: arena.id, annotators: s.annotators, perItem: s.perItem, seed: s.seed, guidelines, folder, overwrite: overwrite || undefined }))),
      folder,
      'folder',
    );
    if (!result) return;
    if (!result.ok) return notifyError(m.buildFailed, result.error);
    set({ built: result.value.files });
    notifySuccess(m.built(result.value.files.length, folder));
  },

  async importWork(mode: 'open-file' | 'open-folder'): Promise<void> {
    const m = currentMessages().ann.research;
    const choice = await call(() => window.api.files.choose({ mode, title: mode === 'open-file' ? m.importFile : m.importFolder, ...(mode === 'open-file' ? { filters: [{ name: 'JSON', extensions: ['json'] }] } : {}) }));
    if (!choice.ok) return notifyError(m.importFailed, choice.error);
    const path = choice.value.path;
    if (!path) return;
    set({ busy: true });
    const result = await call(() => window.api.annotation.import({ paths: [path] }));
    set({ busy: false });
    if (!result.ok) return notifyError(m.importFailed, result.error);
    set({ report: result.value });
    await researchActions.load();
  },
};
