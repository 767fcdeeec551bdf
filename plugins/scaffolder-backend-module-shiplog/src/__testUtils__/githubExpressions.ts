/**
 * Substitutes the `${{ ... }}` expressions of a workflow value with values from a sample run, the way
 * the runner would: property paths (`github.sha`, `steps.build.outputs.digest`) and `toJSON(...)`. An
 * expression it does not know fails the test instead of passing silently.
 */
export function substituteExpressions(
  value: string,
  context: Record<string, unknown>,
): string {
  return value.replace(/\$\{\{\s*(.+?)\s*\}\}/g, (_, expression: string) => {
    const toJson = /^toJSON\((.+)\)$/.exec(expression);
    const resolved = lookup(context, toJson ? toJson[1] : expression);
    if (resolved === undefined) {
      throw new Error(`no sample value for the expression ${expression}`);
    }
    if (toJson) return JSON.stringify(resolved);
    return typeof resolved === 'string' ? resolved : JSON.stringify(resolved);
  });
}

function lookup(context: Record<string, unknown>, path: string): unknown {
  return path
    .split('.')
    .reduce<unknown>(
      (node, key) =>
        node && typeof node === 'object'
          ? (node as Record<string, unknown>)[key]
          : undefined,
      context,
    );
}
