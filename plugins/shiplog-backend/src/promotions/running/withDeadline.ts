import { PromotionExecutionError } from '../errors';

/**
 * Runs an executor call under a deadline: past it, the call's signal aborts and the promise rejects
 * with a PromotionExecutionError. The deadline is shorter than the stale-lock sweep, so no executor
 * call (Octokit has no overall deadline) outlives the lock it runs under.
 */
export async function withDeadline<T>(
  timeoutMs: number,
  what: string,
  call: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      controller.abort();
      reject(
        new PromotionExecutionError(
          `${what} took longer than ${Math.round(
            timeoutMs / 1000,
          )} seconds and was abandoned`,
        ),
      );
    }, timeoutMs);
  });
  try {
    return await Promise.race([call(controller.signal), deadline]);
  } finally {
    clearTimeout(timer);
  }
}
