import { resolveSafeChildPath } from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import { promises as fs } from 'node:fs';
import { dirname, posix } from 'node:path';
import { z } from 'zod/v3';

/**
 * Validates an action's input with its own zod schema. The scaffolder checks inputs against the JSON
 * schema derived from it, which drops defaults and refinements; parsing again applies both and names
 * every offending field.
 */
export function parseActionInput<T extends z.ZodTypeAny>(
  schema: T,
  input: unknown,
): z.output<T> {
  const result = schema.safeParse(input);
  if (!result.success) {
    const problems = result.error.issues.map(
      issue => `${issue.path.join('.') || 'input'}: ${issue.message}`,
    );
    throw new InputError(`Invalid input: ${problems.join('; ')}`);
  }
  return result.data;
}

/**
 * Resolves a path from an input inside the workspace. A path that leaves it (`../`, an absolute path)
 * is refused with the field's name, so the template author sees which input is wrong.
 */
export function resolveWorkspacePath(
  workspacePath: string,
  relativePath: string,
  field: string,
): string {
  try {
    return resolveSafeChildPath(workspacePath, relativePath);
  } catch {
    throw new InputError(
      `${field}: "${relativePath}" is outside the workspace; use a path relative to it without ".."`,
    );
  }
}

/** A file an action writes. */
export interface WorkspaceFile {
  /** Path relative to the directory written to, with forward slashes. */
  path: string;
  content: string;
  /** Leave the file alone when it exists: it is a starting point its owner may have replaced. */
  keepExisting?: boolean;
  executable?: boolean;
}

/**
 * Writes files under a directory, each path resolved safely. A file whose content is already the
 * same is left untouched, so running an action again (a retried task) changes nothing.
 *
 * @returns the paths written or already up to date, in the order given
 */
export async function writeWorkspaceFiles(
  root: string,
  files: ReadonlyArray<WorkspaceFile>,
): Promise<{ written: string[]; unchanged: string[]; kept: string[] }> {
  const written: string[] = [];
  const unchanged: string[] = [];
  const kept: string[] = [];
  for (const file of files) {
    const target = resolveWorkspacePath(root, file.path, 'file path');
    const existing = await fs.readFile(target, 'utf8').catch(() => undefined);
    if (existing === file.content) {
      unchanged.push(file.path);
    } else if (existing !== undefined && file.keepExisting) {
      kept.push(file.path);
    } else {
      await fs.mkdir(dirname(target), { recursive: true });
      await fs.writeFile(target, file.content, 'utf8');
      // Set even on an existing file: writeFile's mode applies only when it creates one.
      await fs.chmod(target, file.executable ? 0o755 : 0o644);
      written.push(file.path);
    }
  }
  return { written, unchanged, kept };
}

/** Joins path segments with forward slashes, as they appear in repositories and annotations. */
export function repoPath(...segments: string[]): string {
  return posix.join(...segments);
}
