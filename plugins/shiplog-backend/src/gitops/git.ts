import { InputError } from '@backstage/errors';
import { execFile } from 'node:child_process';
import { realpath } from 'node:fs/promises';
import { isAbsolute, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Runs one git command; injectable so tests can interleave a concurrent push. */
export type GitRunner = (
  args: string[],
  options: { cwd?: string },
) => Promise<{ stdout: string; stderr: string }>;

/** A git command that failed; the message carries its stderr with credentials removed. */
export class GitCommandError extends Error {
  readonly name = 'GitCommandError';
  constructor(
    readonly args: string[],
    /** stdout and stderr together: `push --porcelain` reports a rejected ref on stdout. */
    readonly output: string,
    cause?: Error,
  ) {
    super(
      `git ${args[0]} failed: ${
        redactCredentials(output.trim())
          .split('\n')
          .filter(line => !line.startsWith('hint:'))
          .slice(-3)
          .join(' ') || cause?.message
      }`,
    );
  }
}

/** Removes `user:token@` from URLs, so a credential in a repository URL never reaches a log or a response. */
export function redactCredentials(text: string): string {
  return text.replace(/([a-z][a-z0-9+.-]*:\/\/)[^/@\s]+@/gi, '$1***@');
}

/**
 * git through execFile (no shell), with a timeout, never prompting for credentials, and limited to
 * transports that move data (`ext::` and other remote helpers could run commands).
 */
export function createGitRunner(options: { timeoutMs: number }): GitRunner {
  const env = {
    ...process.env,
    GIT_TERMINAL_PROMPT: '0',
    GIT_ALLOW_PROTOCOL: 'file:git:http:https:ssh',
    GIT_SSH_COMMAND: process.env.GIT_SSH_COMMAND ?? 'ssh -o BatchMode=yes',
    LC_ALL: 'C',
  };
  return (args, { cwd }) =>
    new Promise((resolve, reject) => {
      execFile(
        'git',
        args,
        {
          cwd,
          env,
          timeout: options.timeoutMs,
          killSignal: 'SIGKILL',
          maxBuffer: 10 * 1024 * 1024,
        },
        (error, stdout, stderr) => {
          if (error) {
            reject(
              new GitCommandError(
                args,
                (error as { killed?: boolean }).killed
                  ? `timed out after ${options.timeoutMs} ms`
                  : `${stdout}\n${stderr}`,
                error,
              ),
            );
          } else {
            resolve({ stdout, stderr });
          }
        },
      );
    });
}

/** Git URLs Shiplog uses: file, git, http(s) and ssh URLs, and scp-style `user@host:path`. */
const GIT_URL = /^(?:(?:file|git|https?|ssh):\/\/|[\w.-]+@[\w.-]+:(?!\/\/))/i;

/** Is this a Git URL of a transport that only moves data (no `ext::` or other remote helpers)? */
export function isGitUrl(repository: string): boolean {
  return GIT_URL.test(repository) && !repository.includes('::');
}

/**
 * Refuses anything that is not a Git URL, and a `file://` repository outside the allowed folders
 * (resolved with fileURLToPath, which refuses an encoded "/", and realpath, which follows symlinks): a
 * catalog author must not point Shiplog at any repository on the backend host.
 */
export async function checkGitRepository(
  repository: string,
  allowedFileRoots: string[],
): Promise<void> {
  if (!isGitUrl(repository) || /^-/.test(repository)) {
    throw new InputError(
      `${redactCredentials(
        repository,
      )} is not a Git URL Shiplog can use (file://, git://, http(s)://, ssh:// or user@host:path)`,
    );
  }
  if (!/^file:/i.test(repository)) return;
  let path: string;
  try {
    path = await realpath(fileURLToPath(repository));
  } catch {
    throw new InputError(
      `${repository} does not exist on the Shiplog backend host`,
    );
  }
  for (const root of allowedFileRoots) {
    const resolvedRoot = await realpath(root).catch(() => undefined);
    if (!resolvedRoot) continue;
    const inside = relative(resolvedRoot, path);
    if (!inside.startsWith('..') && !isAbsolute(inside)) return;
  }
  throw new InputError(
    `${repository} is a local repository outside shiplog.gitops.allowedFileRoots; an administrator must add its folder there before Shiplog uses it`,
  );
}
