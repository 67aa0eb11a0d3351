/**
 * Which rows of a long list are on screen: rows have one fixed height, so the visible slice is
 * arithmetic on the scroll position, and only that slice (plus a margin) is in the DOM however many
 * rows are loaded. Kept in-house: it is a few lines, and a list library would weigh more (ADR 0014).
 */
import { type RefObject, useCallback, useEffect, useState } from 'react';

export interface RowWindow {
  first: number;
  /** One past the last row to render. */
  last: number;
  /** Pixels above `first` and below `last`, for spacers that keep the scroll height. */
  before: number;
  after: number;
}

export function rowWindow(scrollTop: number, viewport: number, rowHeight: number, count: number, margin = 10) {
  const first = Math.max(0, Math.floor(scrollTop / rowHeight) - margin);
  const last = Math.min(count, Math.ceil((scrollTop + viewport) / rowHeight) + margin);
  return { first, last, before: first * rowHeight, after: Math.max(0, (count - last) * rowHeight) };
}

/** The window of `count` rows in the scrolling element `ref`, updated on scroll and resize. */
export function useRowWindow(ref: RefObject<HTMLElement | null>, rowHeight: number, count: number): RowWindow {
  const [view, setView] = useState({ top: 0, height: 600 });
  const measure = useCallback(() => {
    const el = ref.current;
    if (el) setView({ top: el.scrollTop, height: el.clientHeight });
  }, [ref]);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    measure();
    el.addEventListener('scroll', measure, { passive: true });
    const observer = new ResizeObserver(measure);
    observer.observe(el);
    return () => {
      el.removeEventListener('scroll', measure);
      observer.disconnect();
    };
  }, [ref, measure]);
  return rowWindow(view.top, view.height, rowHeight, count);
}
