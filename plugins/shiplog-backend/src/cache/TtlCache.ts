/**
 * Keeps each value for a while and shares one in-flight load between concurrent callers, so fifty page
 * views of one component cost one upstream call. Failures are not kept. Bounded: the oldest entries go first.
 */
export class TtlCache<T> {
  private readonly entries = new Map<
    string,
    { at: number; value: Promise<T>; settled: boolean }
  >();

  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries = 5000,
  ) {}

  get(key: string, load: () => Promise<T>): Promise<T> {
    const now = Date.now();
    const entry = this.entries.get(key);
    // A load in flight is always shared, even with a TTL of zero.
    if (entry && (!entry.settled || now - entry.at < this.ttlMs)) {
      return entry.value;
    }
    const value = load();
    const fresh = { at: now, value, settled: false };
    this.entries.delete(key);
    this.entries.set(key, fresh);
    value.then(
      () => {
        fresh.settled = true;
      },
      () => {
        if (this.entries.get(key) === fresh) this.entries.delete(key);
      },
    );
    if (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    return value;
  }

  delete(key: string) {
    this.entries.delete(key);
  }
}
