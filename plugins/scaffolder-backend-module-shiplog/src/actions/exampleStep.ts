import { stringify } from 'yaml';

/** An action's example as the template step a user would write. */
export function exampleStep(
  action: string,
  name: string,
  input: Record<string, unknown>,
): string {
  return stringify({
    steps: [{ id: action.split(':').pop(), action, name, input }],
  });
}
