import {
  startTransition,
  useCallback,
  useEffect,
  useRef,
  useState,
} from 'react';

/** React 18's transitions where the app has them; a plain update on React 16 and 17. */
const asTransition = (update: () => void) =>
  startTransition ? startTransition(update) : update();

/**
 * Fetches on demand, one fetch at a time; a request during a fetch runs once more after it, so the
 * last change always shows and a burst of signals costs at most two fetches. Quiet: no progress, and a
 * failure keeps what is on screen. With `deferred`, the new value renders as a transition, so a large
 * part of the tab (the releases table) never holds up a small urgent one (the matrix).
 */
export function useQuietRefresh<T>(
  fetchValue: () => Promise<T>,
  options: { deferred?: boolean } = {},
) {
  const [value, setValue] = useState<T>();
  const latest = useRef(fetchValue);
  latest.current = fetchValue;
  const busy = useRef(false);
  const again = useRef(false);
  const mounted = useRef(true);
  const { deferred } = options;
  useEffect(() => {
    mounted.current = true;
    return () => {
      mounted.current = false;
    };
  }, []);
  const run = useCallback(async () => {
    if (busy.current) {
      again.current = true;
      return;
    }
    busy.current = true;
    try {
      do {
        again.current = false;
        const next = await latest.current().catch(() => undefined);
        if (next !== undefined && mounted.current) {
          if (deferred) asTransition(() => setValue(next));
          else setValue(next);
        }
      } while (again.current && mounted.current);
    } finally {
      busy.current = false;
    }
  }, [deferred]);
  return { value, run };
}
