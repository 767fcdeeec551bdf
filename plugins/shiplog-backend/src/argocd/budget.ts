/** A thrown value as text, for an error shown beside the data that did arrive. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * How long a page waits on Argo CD before answering with what it has; a slow call keeps running and fills
 * the cache for the next view.
 */
export const PAGE_BUDGET_MS = 1500;

/** A part that had not arrived when the budget ran out (it keeps loading for the next view). */
export class BudgetExceededError extends Error {
  constructor(ms: number, what: string) {
    super(
      `still waiting for ${what} after ${ms} ms; shown on the next refresh`,
    );
    this.name = 'BudgetExceededError';
  }
}

/** Rejects once `ms` have passed; the promise itself keeps running (and fills its cache). */
export function withinBudget<T>(
  promise: Promise<T>,
  ms: number,
  what = 'Argo CD',
): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new BudgetExceededError(ms, what)), ms);
  });
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

/** A result or its error message, so one failing part leaves the rest of the state intact. */
export async function settle<T>(
  promise: Promise<T>,
): Promise<{ value?: T; error?: string; late?: boolean }> {
  try {
    return { value: await promise };
  } catch (error) {
    return {
      error: errorMessage(error),
      late: error instanceof BudgetExceededError,
    };
  }
}
