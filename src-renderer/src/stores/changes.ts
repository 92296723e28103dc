import { cardEditorActions, useCardEditorStore } from './cardEditor';
import { dialoguesActions, useDialoguesStore } from './dialogues';
import { endpointsActions } from './endpoints';
import { localServersActions } from './localServers';
import { roleCardsActions } from './roleCards';
import { simulationsActions } from './simulations';

// Changes made outside this window's own requests (the CLI writing the same database, a run
// in main adding sessions, another window) arrive as domain events from main's change watcher
// (src-main/app/change-watcher.ts). Each one refreshes its stores in place: lists keep their
// filter, selection and scroll position, and an open editor keeps its unsaved edits. Jobs
// follow `jobs:changed` in their own store.

/** Runs `refresh` once, a moment after the first of a burst of events (never starved by a steady stream). */
function soon(refresh: () => void, delayMs = 150): () => void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  return () => {
    timer ??= setTimeout(() => {
      timer = undefined;
      refresh();
    }, delayMs);
  };
}

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
    window.api.dialogues.onChanged(soon(() => dialoguesActions.refreshInPlace())),
    window.api.runs.onChanged(
      soon(() => {
        simulationsActions.changedElsewhere();
        // The dialogue browser's run filter lists the runs.
        if (useDialoguesStore.getState().status !== 'idle') void dialoguesActions.loadFacets();
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
