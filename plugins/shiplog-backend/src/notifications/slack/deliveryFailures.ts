import { SlackCallError } from './SlackApi';

/** Marks a failure that may have come after Slack accepted the message: look before resending. */
export class MaybePosted extends Error {
  constructor(readonly cause: SlackCallError) {
    super(cause.message);
  }
}

/** Waits before a row is tried again after its n-th failure without an answer. */
export const BACKOFF_MS = [5_000, 15_000, 60_000, 300_000, 600_000];

/** A send whose failure without an answer from Slack may still have posted. */
export async function sendOnce<T>(send: () => Promise<T>): Promise<T> {
  try {
    return await send();
  } catch (error) {
    const failure = asSlackError(error);
    throw failure.kind === 'unreachable' ? new MaybePosted(failure) : failure;
  }
}

export async function afterSend<T>(record: () => Promise<T>): Promise<T> {
  try {
    return await record();
  } catch (error) {
    throw new MaybePosted(asSlackError(error));
  }
}

export function asSlackError(error: unknown): SlackCallError {
  if (error instanceof SlackCallError) return error;
  if (error instanceof MaybePosted) return error.cause;
  return new SlackCallError(
    'unreachable',
    error instanceof Error ? error.message : String(error),
  );
}

/** A failed lookup leaves the row's send mark in place: the message may still be in Slack. */
export async function lookupMaybe<T>(lookup: () => Promise<T>): Promise<T> {
  try {
    return await lookup();
  } catch (error) {
    throw new MaybePosted(asSlackError(error));
  }
}
