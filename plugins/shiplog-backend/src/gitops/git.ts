import { InputError } from '@backstage/errors';
import { execFile } from 'node:child_process';
import { realpath } from 'node:fs/promises';
import { isAbsolute, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Runs one git command; injectable so tests can interleave a concurrent push. */
export type GitRunner = (
  args: string[],
  options: {
    cwd?: string;
    /** Added to git's environment (credentials through `GIT_CONFIG_*`). */
    env?: Record<string, string>;
    /** Kills git when aborted. */
    signal?: AbortSignal;
  },
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

/** Longest text redactCredentials reads: git's last lines are what matter, and the scan stays cheap. */
export const MAX_REDACTED_LENGTH = 16 * 1024;

const ENDS_USERINFO = /[/@\s]/;

/**
 * Removes `user:token@` from URLs, so a credential in a repository URL never reaches a log or a response.
 * One pass over the text (a regular expression backtracked quadratically on long runs), reading at most
 * its last MAX_REDACTED_LENGTH characters; a cut never starts inside a URL, so no partial credential leaks.
 */
export function redactCredentials(text: string): string {
  let bounded = text;
  if (text.length > MAX_REDACTED_LENGTH) {
    const tail = text.slice(-MAX_REDACTED_LENGTH);
    const firstBreak = tail.search(/\s/);
    bounded = `…${firstBreak === -1 ? '' : tail.slice(firstBreak)}`;
  }
  let result = '';
  let copiedUpTo = 0;
  let searchFrom = 0;
  for (;;) {
    const separator = bounded.indexOf('://', searchFrom);
    if (separator === -1) break;
    const userinfoStart = separator + 3;
    let end = userinfoStart;
    // Stops at the next "/", so scans of successive URLs never overlap: linear overall.
    while (end < bounded.length && !ENDS_USERINFO.test(bounded[end])) end++;
    if (bounded[end] === '@' && end > userinfoStart) {
      result += `${bounded.slice(copiedUpTo, userinfoStart)}***`;
      copiedUpTo = end;
    }
    searchFrom = Math.max(end, userinfoStart);
  }
  return result + bounded.slice(copiedUpTo);
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
  return (args, { cwd, env: extra, signal }) =>
    new Promise((resolve, reject) => {
      execFile(
        'git',
        args,
        {
          cwd,
          env: extra ? { ...env, ...extra } : env,
          signal,
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

/** Where git may go: `file://` repositories under these folders, and network repositories on these hosts. */
export interface AllowedGitRepositories {
  /** Absolute folders (`shiplog.gitops.allowedFileRoots`). */
  fileRoots: string[];
  /**
   * Is git allowed to reach this host (lower case, with `:port` when the URL names one)? Integration hosts
   * and `shiplog.gitops.allowedHosts`; without it every host is allowed (tests and callers with their own check).
   */
  isAllowedHost?: (host: { hostname: string; port?: string }) => boolean;
}

/** The host of a network Git URL (`https://h:p/...`, `ssh://u@h/...`, `u@h:path`), or undefined for `file:`. */
export function gitUrlHost(
  repository: string,
): { hostname: string; port?: string } | undefined {
  if (/^file:/i.test(repository)) return undefined;
  const scp = /^[\w.-]+@([\w.-]+):(?!\/\/)/.exec(repository);
  if (scp) return { hostname: scp[1].toLowerCase() };
  try {
    const url = new URL(repository);
    return {
      hostname: url.hostname.toLowerCase(),
      port: url.port || undefined,
    };
  } catch {
    throw new InputError(
      `${redactCredentials(repository)} is not a Git URL Shiplog can use`,
    );
  }
}

/**
 * Refuses anything that is not a Git URL, a network repository on a host that is neither an integration
 * host nor allowed in config (git would otherwise probe any address the backend reaches, loopback and
 * link-local included), and a `file://` repository outside the allowed folders
 * (resolved with fileURLToPath, which refuses an encoded "/", and realpath, which follows symlinks): a
 * catalog author must not point Shiplog at any repository on the backend host.
 */
export async function checkGitRepository(
  repository: string,
  allowed: string[] | AllowedGitRepositories,
): Promise<void> {
  const { fileRoots: allowedFileRoots, isAllowedHost } = Array.isArray(allowed)
    ? { fileRoots: allowed, isAllowedHost: undefined }
    : allowed;
  if (!isGitUrl(repository) || /^-/.test(repository)) {
    throw new InputError(
      `${redactCredentials(
        repository,
      )} is not a Git URL Shiplog can use (file://, git://, http(s)://, ssh:// or user@host:path)`,
    );
  }
  const host = gitUrlHost(repository);
  if (host) {
    if (isAllowedHost && !isAllowedHost(host)) {
      const shown = host.port ? `${host.hostname}:${host.port}` : host.hostname;
      throw new InputError(
        `${shown} is not a Git host Shiplog may reach: it has no integration (integrations.*) and is not in shiplog.gitops.allowedHosts`,
      );
    }
    return;
  }
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
