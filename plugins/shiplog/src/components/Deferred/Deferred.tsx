import { ReactNode, startTransition, useEffect, useRef, useState } from 'react';
import useIntersection from 'react-use/esm/useIntersection';

/** React 18's transitions where the app has them; a plain update on React 16 and 17. */
const asTransition = (update: () => void) =>
  startTransition ? startTransition(update) : update();

/**
 * False on the first render, true once the browser has painted it: the part of a view the user came
 * for goes on screen first, and a secondary part renders in the next task, as a transition.
 */
export function useAfterPaint(): boolean {
  const [painted, setPainted] = useState(false);
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    // An animation frame runs just before the paint; a task queued from it runs after.
    const frame = requestAnimationFrame(() => {
      timer = setTimeout(() => asTransition(() => setPainted(true)));
    });
    return () => {
      cancelAnimationFrame(frame);
      if (timer) clearTimeout(timer);
    };
  }, []);
  return painted;
}

/** Renders its children once what was mounted with it is on screen. */
export function AfterPaint(props: { children: ReactNode }) {
  return useAfterPaint() ? <>{props.children}</> : null;
}

/**
 * Renders its children once the box comes near the viewport, and keeps them: charts below the fold
 * cost nothing (no code loaded, no render) until scrolled to. Without IntersectionObserver (tests,
 * old browsers) they render at once.
 */
export function WhenVisible(props: {
  children: ReactNode;
  className?: string;
}) {
  const ref = useRef<HTMLDivElement>(null);
  const entry = useIntersection(ref, { rootMargin: '200px' });
  const [seen, setSeen] = useState(
    () => typeof IntersectionObserver === 'undefined',
  );
  const visible = Boolean(entry?.isIntersecting);
  useEffect(() => {
    if (visible) setSeen(true);
  }, [visible]);
  return (
    <div ref={ref} className={props.className}>
      {seen && props.children}
    </div>
  );
}
