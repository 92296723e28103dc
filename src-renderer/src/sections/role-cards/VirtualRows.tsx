import { forwardRef, useCallback, useEffect, useImperativeHandle, useLayoutEffect, useRef, useState, type KeyboardEvent, type ReactNode } from 'react';

// A windowed list of fixed-height rows with the browser's own scrollbar: only the rows in
// view (plus a few either side) are in the DOM, so 10,000 cards scroll as smoothly as ten.

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
  initialScrollTop?: number;
  renderRow: (index: number) => ReactNode;
  /** The rows in view changed (first and last index, overscan included). */
  onRange?: (first: number, last: number) => void;
  onScrollTop?: (top: number) => void;
  onKeyDown?: (event: KeyboardEvent<HTMLDivElement>) => void;
  ariaLabel?: string;
  testId?: string;
}

export const VirtualRows = forwardRef<VirtualRowsHandle, VirtualRowsProps>(function VirtualRows(props, ref) {
  const { count, rowHeight, height, overscan = 6, renderRow, onRange, onScrollTop } = props;
  const scroller = useRef<HTMLDivElement>(null);
  const [top, setTop] = useState(props.initialScrollTop ?? 0);
  const frame = useRef(0);

  useLayoutEffect(() => {
    if (scroller.current && props.initialScrollTop) scroller.current.scrollTop = props.initialScrollTop;
    // Only on mount: later changes come from scrolling.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  const first = Math.max(0, Math.floor(top / rowHeight) - overscan);
  const last = Math.min(count - 1, Math.ceil((top + height) / rowHeight) + overscan);

  useEffect(() => {
    if (count > 0) onRange?.(first, last);
  }, [first, last, count, onRange]);

  const onScroll = useCallback(() => {
    cancelAnimationFrame(frame.current);
    frame.current = requestAnimationFrame(() => {
      const value = scroller.current?.scrollTop ?? 0;
      setTop(value);
      onScrollTop?.(value);
    });
  }, [onScrollTop]);

  useEffect(() => () => cancelAnimationFrame(frame.current), []);

  useImperativeHandle(
    ref,
    () => ({
      reveal(index: number) {
        const el = scroller.current;
        if (!el) return;
        const rowTop = index * rowHeight;
        if (rowTop < el.scrollTop) el.scrollTop = rowTop;
        else if (rowTop + rowHeight > el.scrollTop + el.clientHeight) el.scrollTop = rowTop + rowHeight - el.clientHeight;
      },
      focus() {
        scroller.current?.focus({ preventScroll: true });
      },
    }),
    [rowHeight],
  );

  const rows: ReactNode[] = [];
  for (let i = first; i <= last; i++) {
    rows.push(
      <div key={i} role="listitem" aria-posinset={i + 1} aria-setsize={count} style={{ position: 'absolute', top: i * rowHeight, left: 0, right: 0, height: rowHeight }}>
        {renderRow(i)}
      </div>,
    );
  }

  return (
    <div
      ref={scroller}
      onScroll={onScroll}
      tabIndex={0}
      onKeyDown={props.onKeyDown}
      role="list"
      aria-label={props.ariaLabel}
      data-testid={props.testId}
      className="simpsy-virtual-rows"
      style={{ height, overflowY: 'auto', position: 'relative', outline: 'none', overscrollBehavior: 'contain' }}
    >
      <div style={{ height: count * rowHeight, position: 'relative' }}>{rows}</div>
    </div>
  );
});
