import { execFile } from 'node:child_process';

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
