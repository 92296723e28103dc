import { useVirtualizer } from '@tanstack/react-virtual';
import { forwardRef, useEffect, useEffectEvent, useImperativeHandle, useRef, type KeyboardEvent, type ReactNode } from 'react';

// A windowed list of fixed-height rows with the browser's own scrollbar: only the rows in
// view (plus a few either side) are in the DOM, so 10,000 cards scroll as smoothly as ten.
// @tanstack/react-virtual does the windowing; it renders again only when the rows in view
// change, not on every scroll event.

export interface VirtualRowsHandle {
  /** Scrolls just enough to show row `index`. */
  reveal(index: number): void;
  focus(): void;
}

export interface VirtualRowsProps {
  count: number;
  rowHeight: number;
  height: number;
  overscan?: number;
  /** Where the list starts (read once, on mount); to start again at the top, remount it with a new key. */
  initialScrollTop?: number;
  renderRow: (index: number) => ReactNode;
  /** The rows in view changed (first and last index, overscan included). */
  onRange?: (first: number, last: number) => void;
  /** Where the list is scrolled to (at most once a frame). */
  onScrollTop?: (top: number) => void;
  onKeyDown?: (event: KeyboardEvent<HTMLDivElement>) => void;
  ariaLabel?: string;
  testId?: string;
  /** Extra attributes for the scrolling element (tests read `data-*` ones). */
  data?: Record<`data-${string}`, string | number>;
}

export const VirtualRows = forwardRef<VirtualRowsHandle, VirtualRowsProps>(function VirtualRows(props, ref) {
  const { count, rowHeight, height, overscan = 6, renderRow, onRange } = props;
  const scroller = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count,
    getScrollElement: () => scroller.current,
    estimateSize: () => rowHeight,
    overscan,
    initialOffset: props.initialScrollTop ?? 0,
  });

  // Where the list rests is told once per frame, and never after it is gone: a late report
  // from a list a new query replaced would overwrite the new list's start at the top.
  const frame = useRef(0);
  const report = useEffectEvent(() => props.onScrollTop?.(scroller.current?.scrollTop ?? 0));
  const onScroll = () => {
    cancelAnimationFrame(frame.current);
    frame.current = requestAnimationFrame(report);
  };
  useEffect(() => () => cancelAnimationFrame(frame.current), []);
  const rows = virtualizer.getVirtualItems();
  const first = rows[0]?.index ?? 0;
  const last = rows.at(-1)?.index ?? -1;

  useEffect(() => {
    if (count > 0 && last >= first) onRange?.(first, last);
  }, [first, last, count, onRange]);

  useImperativeHandle(
    ref,
    () => ({
      reveal(index: number) {
        virtualizer.scrollToIndex(index, { align: 'auto' });
      },
      focus() {
        scroller.current?.focus({ preventScroll: true });
      },
    }),
    [virtualizer],
  );

  return (
    <div
      ref={scroller}
      onScroll={props.onScrollTop && onScroll}
      tabIndex={0}
      onKeyDown={props.onKeyDown}
      role="list"
      aria-label={props.ariaLabel}
      data-testid={props.testId}
      {...props.data}
      className="simpsy-virtual-rows"
      style={{ height, overflowY: 'auto', position: 'relative', outline: 'none', overscrollBehavior: 'contain' }}
    >
      <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
        {rows.map((row) => (
          <div
            key={row.key}
            role="listitem"
            aria-posinset={row.index + 1}
            aria-setsize={count}
            style={{ position: 'absolute', top: row.start, left: 0, right: 0, height: rowHeight }}
          >
            {renderRow(row.index)}
          </div>
        ))}
      </div>
    </div>
  );
});
