import { InputError } from '@backstage/errors';
import { z } from 'zod/v3';

/** Renders a path the way a user would write it in JSON: `events[3].image.tag`. */
function formatPath(path: Array<string | number>, prefix: string): string {
  let out = prefix;
  for (const part of path) {
    if (typeof part === 'number') {
      out += `[${part}]`;
    } else {
      out += out ? `.${part}` : part;
    }
  }
  return out || '(body)';
}

/** Parses input with a zod schema, or throws a 400 InputError naming every offending field and why. */
export function parseInput<S extends z.ZodTypeAny>(
  schema: S,
  input: unknown,
  prefix = '',
): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) {
    return result.data;
  }
  throw new InputError(describeZodError(result.error, prefix));
}

export function describeZodError(error: z.ZodError, prefix = ''): string {
  const problems = error.issues.slice(0, 10).map(issue => {
    const field = formatPath(issue.path, prefix);
    if (issue.code === 'unrecognized_keys') {
      return `${field}: unknown field(s) ${issue.keys
        .map(k => `"${k}"`)
        .join(', ')}`;
    }
    if (issue.code === 'invalid_type' && issue.received === 'undefined') {
      return `${field}: is required`;
    }
    if (issue.code === 'invalid_type') {
      return `${field}: must be ${issue.expected}, got ${issue.received}`;
    }
    return `${field}: ${issue.message}`;
  });
  const more =
    error.issues.length > 10 ? ` (and ${error.issues.length - 10} more)` : '';
  return `Invalid input: ${problems.join('; ')}${more}`;
}
