import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';

/**
 * Runs GitHub's own workflow parser (@actions/workflow-parser, the parser and workflow schema behind
 * GitHub's Actions language service) over workflow files and returns each file's errors: unknown or
 * missing keys, bad values such as a permission level, expressions that do not parse or use a context
 * where it is not available, jobs that need unknown jobs.
 *
 * The parser is ESM-only and imports its schema JSON without an import attribute, which Jest's module
 * system cannot load; it runs in a child Node.js process with a loader hook that adds the attribute.
 */
export function validateGithubWorkflows(
  files: Record<string, string>,
): Record<string, string[]> {
  const script = `
    import { register } from 'node:module';
    register('data:text/javascript,' + encodeURIComponent(
      'export async function load(url, context, next) {' +
      ' return next(url, url.endsWith(".json") ? { ...context, importAttributes: { type: "json" } } : context); }'));
    const { parseWorkflow, convertWorkflowTemplate, NoOperationTraceWriter } = await import('@actions/workflow-parser');
    let input = '';
    for await (const chunk of process.stdin) input += chunk;
    const result = {};
    for (const [name, content] of Object.entries(JSON.parse(input))) {
      const parsed = parseWorkflow({ name, content }, new NoOperationTraceWriter());
      if (parsed.value) await convertWorkflowTemplate(parsed.context, parsed.value);
      result[name] = parsed.context.errors.getErrors().map(error => error.message);
    }
    process.stdout.write(JSON.stringify(result));
  `;
  const child = spawnSync(
    process.execPath,
    ['--input-type=module', '-e', script],
    {
      cwd: resolve(__dirname, '../..'),
      input: JSON.stringify(files),
      encoding: 'utf8',
      timeout: 60_000,
    },
  );
  if (child.status !== 0) {
    throw new Error(`workflow parser failed: ${child.stderr || child.error}`);
  }
  return JSON.parse(child.stdout);
}
