// What both end-to-end entry points (scripts/e2e.mjs, scripts/e2e/liveOnly.mjs) share: the tally of
// checks, each printed as it is made, and posting events to the running backend's ingest API.

/** `check(condition, message)` prints ok/FAIL and keeps the failures for the run's summary. */
export function createTally() {
  const tally = {
    checks: 0,
    failures: [],
    check(condition, message) {
      tally.checks++;
      console.log(`${condition ? 'ok  ' : 'FAIL'} ${message}`);
      if (!condition) tally.failures.push(message);
    },
  };
  return tally;
}

/** `post(events)` stores a batch through the backend's ingest API, throwing on anything but a 202. */
export function eventPoster(backend, token, timeoutMs = 60_000) {
  return async function post(events) {
    const res = await fetch(`${backend}/api/shiplog/v1/events`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${token}`,
      },
      body: JSON.stringify({ events }),
      signal: AbortSignal.timeout(timeoutMs),
    });
    if (res.status !== 202)
      throw new Error(`ingest answered ${res.status}: ${await res.text()}`);
  };
}
