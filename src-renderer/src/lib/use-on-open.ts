import { useEffect, useEffectEvent } from 'react';

/**
 * Runs `reset` each time `open` turns true. A dialog starts afresh at each opening from the
 * values of that moment (the selection, the card being edited), and does not follow them
 * while it stays open: what the person set up in it is not overwritten under their hands.
 */
export function useOnOpen(open: boolean, reset: () => void): void {
  const onOpen = useEffectEvent(reset);
  useEffect(() => {
    if (open) onOpen();
  }, [open]);
}
