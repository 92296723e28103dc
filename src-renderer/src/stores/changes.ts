import type { DataChangedEvent } from '@contract';
import { cardEditorActions, useCardEditorStore } from './cardEditor';
import { dialoguesActions, useDialoguesStore } from './dialogues';
import { endpointsActions } from './endpoints';
import { localServersActions } from './localServers';
import { useNavigationStore, type SectionKey } from './navigation';
import { roleCardsActions } from './roleCards';
import { simulationsActions } from './simulations';

// Changes made outside this window's own requests (the CLI writing the same database, a run
// in main adding sessions, another window) arrive as domain events from main's change watcher
// (src-main/app/change-watcher.ts). Each one refreshes its stores in place: lists keep their
// filter, selection and scroll position, and an open editor keeps its unsaved edits. Jobs
// follow `jobs:changed` in their own store.

/**
 * Runs `refresh` once, a moment after the first of a burst of events (never starved by a
 * steady stream), telling it whether every event of the burst was progress only.
 */
function soon(refresh: (onlyProgress: boolean) => void, delayMs = 150): (change: DataChangedEvent) => void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let onlyProgress = true;
  return (change) => {
    onlyProgress &&= change.onlyProgress;
    timer ??= setTimeout(() => {
      const only = onlyProgress;
      timer = undefined;
      onlyProgress = true;
      refresh(only);
    }, delayMs);
  };
}

/** The dialogue browser and the runs list read everything again when they are shown, so while hidden they skip the refreshes. */
const shown = (section: SectionKey) => useNavigationStore.getState().section === section;

/** Subscribes every store to the change events; returns the unsubscribe function. */
export function followChanges(): () => void {
  const offs = [
    window.api.cards.onChanged(
      soon(() => {
        const editing = useCardEditorStore.getState().target !== null;
        roleCardsActions.changedElsewhere(!editing);
        if (editing) void cardEditorActions.checkElsewhere();
      }),
    ),
    window.api.dialogues.onChanged(
      soon((onlyProgress) => {
        if (shown('dialogues')) dialoguesActions.refreshInPlace({ facets: !onlyProgress });
      }),
    ),
    window.api.runs.onChanged(
      soon((onlyProgress) => {
        if (shown('simulations')) simulationsActions.changedElsewhere();
        // The dialogue browser's run filter lists the runs; a run's progress does not change the list.
        if (shown('dialogues') && !onlyProgress && useDialoguesStore.getState().status !== 'idle') void dialoguesActions.loadFacets();
      }),
    ),
    window.api.endpoints.onChanged(
      soon(() => {
        void endpointsActions.refresh();
        localServersActions.endpointsChanged();
      }),
    ),
  ];
  return () => {
    for (const off of offs) off();
  };
}
