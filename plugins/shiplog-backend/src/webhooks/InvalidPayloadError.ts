/**
 * A webhook payload that can never become a valid event (a time out of range, a field no schema
 * accepts): the inbox marks its delivery ignored with this reason instead of retrying it.
 */
export class InvalidPayloadError extends Error {
  readonly name = 'InvalidPayloadError';
}

/** Is this failure one a retry cannot fix? Schema failures (zod) and InvalidPayloadError. */
export function isInvalidPayload(error: unknown): boolean {
  const name = (error as { name?: string } | undefined)?.name;
  return name === 'ZodError' || name === 'InvalidPayloadError';
}
