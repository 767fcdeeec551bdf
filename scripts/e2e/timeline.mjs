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

/**
 * With E2E_PROFILE set: a CPU profile of the page from now until the returned function is called,
 * which prints the functions that took the most time themselves (and their callers' component names
 * where React rendered them), to see what a long task was doing.
 */
export async function profilePage(page) {
  if (!process.env.E2E_PROFILE) return async () => undefined;
  const session = await page.context().newCDPSession(page);
  await session.send('Profiler.enable');
  await session.send('Profiler.setSamplingInterval', { interval: 1000 });
  await session.send('Profiler.start');
  return async label => {
    const { profile } = await session.send('Profiler.stop');
    await session.detach().catch(() => undefined);
    const byId = new Map(profile.nodes.map(node => [node.id, node]));
    const parentOf = new Map();
    for (const node of profile.nodes) {
      for (const child of node.children ?? []) parentOf.set(child, node.id);
    }
    const keyOf = ({ callFrame }) =>
      `${callFrame.functionName || '(anonymous)'} ${
        callFrame.url.split('/').slice(-1)[0].split('?')[0]
      }:${callFrame.lineNumber + 1}`;
    const selfMs = new Map();
    // Inclusive time of functions named like React components: which part of the tab renders slowly.
    const componentMs = new Map();
    profile.samples.forEach((id, i) => {
      const ms = (profile.timeDeltas[i] ?? 0) / 1000;
      const key = keyOf(byId.get(id));
      selfMs.set(key, (selfMs.get(key) ?? 0) + ms);
      const seen = new Set();
      for (let at = id; at !== undefined; at = parentOf.get(at)) {
        const name = byId.get(at).callFrame.functionName;
        if (/^[A-Z]/.test(name) && !seen.has(name)) {
          seen.add(name);
          componentMs.set(name, (componentMs.get(name) ?? 0) + ms);
        }
      }
    });
    const top = (map, n) =>
      [...map.entries()]
        .sort((a, b) => b[1] - a[1])
        .slice(0, n)
        .map(([key, ms]) => `${Math.round(ms)} ms ${key}`)
        .join('\n  ');
    console.log(
      `info components by inclusive time during ${label}:\n  ${top(
        componentMs,
        30,
      )}`,
    );
    console.log(`info self time during ${label}:\n  ${top(selfMs, 25)}`);
  };
}
