import { useEffect } from 'react';

type IdleWindow = Window & {
  requestIdleCallback?: (
    callback: () => void,
    options?: { timeout: number },
  ) => number;
  cancelIdleCallback?: (handle: number) => void;
};

/**
 * Loads the code of the view a user is likely to open next (the Deployments tab, from its overview
 * card) once the browser is idle, so a click on the tab renders at once instead of first fetching
 * and evaluating its chunks. `load` is a module-level `import()` thunk; a failure is left to the tab.
 */
export function usePrefetch(load: () => Promise<unknown>) {
  useEffect(() => {
    const idle = window as IdleWindow;
    const run = () => {
      load().catch(() => undefined);
    };
    if (idle.requestIdleCallback && idle.cancelIdleCallback) {
      // A busy overview (a group of hundreds) is rarely idle: at most half a second later, load anyway.
      const handle = idle.requestIdleCallback(run, { timeout: 500 });
      return () => idle.cancelIdleCallback?.(handle);
    }
    const timer = setTimeout(run, 200);
    return () => clearTimeout(timer);
  }, [load]);
}
