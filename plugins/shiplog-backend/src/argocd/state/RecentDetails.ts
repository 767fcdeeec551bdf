import { settle, withinBudget } from '../budget';

/** How long a view waits for an application's fresh details when it can show the last ones meanwhile. */
export const RECENT_DETAILS_WAIT_MS = 150;

/** A detail for a view: its value or error, as `settle` gives it. */
export interface DetailOutcome<T> {
  value?: T;
  error?: string;
  /** It had not arrived within the budget (nothing to show in its place). */
  late?: boolean;
  /**
   * The last value was served while a fresh one loads: settles when the fresh one has arrived (or
   * failed), so the view can be told to fetch again.
   */
  fresh?: Promise<unknown>;
}

/**
 * The last value of one kind of application detail (resource tree, revision metadata) per application.
 * After a change (a sync starting, health changing) the application's resource version
 * or revision is new, so its cached details are too; rather than hold the whole answer up to the page
 * budget for them, a view gets the last ones at once and `fresh` says when the new ones are in. The
 * first view of an application, and a caller that needs the current values (a sync records Git's
 * declared version), still wait up to their budget.
 */
export class RecentDetails<T> {
  private readonly last = new Map<string, T>();
  /** Fetches already followed for lateness: concurrent views wait on one, and notify once. */
  private readonly following = new WeakMap<Promise<T>, Promise<unknown>>();

  constructor(private readonly maxEntries = 5000) {}

  async get(
    key: string,
    fetch: Promise<T>,
    options: {
      budgetMs: number;
      /** False for a caller that needs the current value: it waits up to its budget. */
      serveRecent?: boolean;
      /** What is waited on, for the message when the budget runs out. */
      what?: string;
    },
  ): Promise<DetailOutcome<T>> {
    const { budgetMs, serveRecent = true, what } = options;
    const hasPrevious = serveRecent && this.last.has(key);
    const previous = this.last.get(key);
    const wait = hasPrevious
      ? Math.min(budgetMs, RECENT_DETAILS_WAIT_MS)
      : budgetMs;
    const outcome = await settle(withinBudget(fetch, wait, what));
    if (!outcome.error) {
      this.remember(key, outcome.value as T);
      return outcome;
    }
    // A real failure shows as before; only a slow answer is replaced by the last one.
    if (!hasPrevious || !outcome.late) return outcome;
    let fresh = this.following.get(fetch);
    if (!fresh) {
      fresh = fetch.then(
        value => this.remember(key, value),
        () => undefined,
      );
      this.following.set(fetch, fresh);
    }
    return { value: previous, fresh };
  }

  private remember(key: string, value: T) {
    this.last.delete(key);
    this.last.set(key, value);
    if (this.last.size > this.maxEntries) {
      const oldest = this.last.keys().next().value;
      if (oldest !== undefined) this.last.delete(oldest);
    }
  }
}
