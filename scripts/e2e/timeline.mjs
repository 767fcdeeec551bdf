// Where a live update's time goes, seen from the page: the tab's reads (resource timing), the main
// thread's long tasks, and the moment the DOM shows the change (a MutationObserver, not a poll), all in
// epoch milliseconds so they line up with the signal frames the test sees on the page's socket.

/** Starts recording on the page's current document (call again after each navigation). */
export async function startTimeline(page) {
  await page.evaluate(() => {
    const timeline = { longTasks: [] };
    window.__shiplogTimeline = timeline;
    performance.setResourceTimingBufferSize(10_000);
    try {
      new PerformanceObserver(list => {
        for (const entry of list.getEntries()) {
          timeline.longTasks.push({
            at: Math.round(performance.timeOrigin + entry.startTime),
            ms: Math.round(entry.duration),
          });
        }
      }).observe({ type: 'longtask' });
    } catch {
      // A browser without long task timing: the timeline shows reads only.
    }
  });
}

/**
 * Epoch ms at which `predicate(arg)` (run in the page) first holds, checked on every DOM change; undefined
 * when it does not within `timeoutMs`. Runs in the page, so a busy main thread cannot delay the reading.
 */
export async function shownAt(page, predicate, arg, timeoutMs = 30_000) {
  const expression = `new Promise(resolve => {
    const holds = () => { try { return (${predicate.toString()})(${JSON.stringify(
    arg ?? null,
  )}); } catch { return false; } };
    if (holds()) return resolve(Date.now());
    const observer = new MutationObserver(() => {
      if (!holds()) return;
      observer.disconnect();
      clearTimeout(timer);
      resolve(Date.now());
    });
    const timer = setTimeout(() => { observer.disconnect(); resolve(null); }, ${timeoutMs});
    observer.observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true });
  })`;
  const at = await page.evaluate(expression);
  return at ?? undefined;
}

/**
 * What happened between `since` and `until` (epoch ms): Shiplog reads (start → end, relative to
 * `since`), long tasks on the main thread, and their total.
 */
export async function readTimeline(page, since, until) {
  const { reads, longTasks } = await page.evaluate(
    ([from, to]) => {
      const origin = performance.timeOrigin;
      const entries = performance
        .getEntriesByType('resource')
        .filter(e => e.name.includes('/api/shiplog/'))
        .map(e => ({
          what: new URL(e.name).pathname.split('/').slice(-1)[0],
          start: Math.round(origin + e.startTime),
          end: Math.round(origin + e.responseEnd),
        }))
        .filter(e => e.end >= from && e.start <= to);
      const tasks = (window.__shiplogTimeline?.longTasks ?? []).filter(
        t => t.at + t.ms >= from && t.at <= to,
      );
      return { reads: entries, longTasks: tasks };
    },
    [since, until],
  );
  return {
    reads: reads.map(r => `${r.what} ${r.start - since}→${r.end - since}`),
    longTasks: longTasks.map(t => `${t.at - since}+${t.ms}`),
    busyMs: longTasks.reduce((sum, t) => sum + t.ms, 0),
  };
}
