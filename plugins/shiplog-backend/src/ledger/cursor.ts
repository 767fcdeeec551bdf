import { InputError } from '@backstage/errors';

/** Opaque page cursors: base64url JSON, checked on the way back in. */
export function encodeCursor(value: unknown): string {
  return Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');
}

export function decodeCursor<T>(
  cursor: string,
  isValid: (value: unknown) => value is T,
): T {
  try {
    const value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (isValid(value)) {
      return value;
    }
  } catch {
    // reported below
  }
  throw new InputError(
    'cursor is not a cursor this API returned; start again without it',
  );
}
