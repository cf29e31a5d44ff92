import { useCallback, useEffect, useRef } from 'react';

/**
 * Calls `onNear(n)` when element n (registered with the returned ref callback) comes within `margin` of the
 * viewport: one IntersectionObserver for all of a document's pages, so 300 pages cost 300 cheap placeholders.
 */
export function useNearViewport(onNear: (n: number) => void, margin = '800px 0px'): (n: number) => (el: HTMLElement | null) => void {
  const cb = useRef(onNear);
  cb.current = onNear;
  const observer = useRef<IntersectionObserver | null>(null);
  const pending = useRef(new Map<number, HTMLElement>());
  useEffect(() => {
    const io = new IntersectionObserver(
      (entries) => {
        for (const e of entries) if (e.isIntersecting) cb.current(Number((e.target as HTMLElement).dataset.page));
      },
      { rootMargin: margin },
    );
    observer.current = io;
    for (const el of pending.current.values()) io.observe(el);
    return () => {
      io.disconnect();
      observer.current = null;
    };
  }, [margin]);
  return useCallback(
    (n: number) => (el: HTMLElement | null) => {
      const old = pending.current.get(n);
      if (old && old !== el) observer.current?.unobserve(old);
      if (!el) {
        pending.current.delete(n);
        return;
      }
      el.dataset.page = String(n);
      pending.current.set(n, el);
      observer.current?.observe(el);
    },
    [],
  );
}
