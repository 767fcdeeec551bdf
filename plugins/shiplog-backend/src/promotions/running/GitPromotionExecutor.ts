import { ConflictError } from '@backstage/errors';
import {
  PromotionChangeRequest,
  PromotionChangeResult,
  PromotionExecutor,
  setYamlScalar,
  YamlEditError,
} from '@shiplog/plugin-shiplog-node';
import { mkdtemp, readFile, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { isAbsolute, join, relative } from 'node:path';
import {
  AllowedGitRepositories,
  checkGitRepository,
  createGitRunner,
  GitCommandError,
  GitRunner,
  isGitUrl,
  redactCredentials,
} from '../../gitops/git';
import { GitCredentials, gitCredentialsEnv } from './gitCredentials';

export interface GitPromotionExecutorOptions {
  /** Folders under which `file://` repositories may be; none means no `file://` repository at all. */
  allowedFileRoots: string[];
  /** Hosts git may reach (integrations and shiplog.gitops.allowedHosts); without it, any (tests). */
  isAllowedHost?: AllowedGitRepositories['isAllowedHost'];
  author: { name: string; email: string };
  /** Per git command. */
  timeoutMs: number;
  /** Replaces git itself, for tests. */
  runGit?: GitRunner;
  /** Where the throwaway clones go; the machine's temp folder unless given (tests give their own). */
  tempRoot?: string;
  /** The credentials `integrations.*` configures for the repository's host, if any. */
  credentialsFor?(repository: string): Promise<GitCredentials | undefined>;
}

/** A git command run inside the clone. */
type GitInClone = (...args: string[]) => ReturnType<GitRunner>;

/** The push was refused because the branch moved on since the clone. */
function isNonFastForward(error: unknown): boolean {
  return (
    error instanceof GitCommandError &&
    /\[rejected\]|non-fast-forward|fetch first|updates were rejected|cannot lock ref/i.test(
      error.output,
    )
  );
}

/**
 * The plain Git executor: clone the GitOps repository's default branch into a throwaway folder,
 * change the tag, commit, push. Works with any Git URL (`file://` only under
 * `shiplog.gitops.allowedFileRoots`). A push refused because someone pushed first is retried once
 * on the fresh branch, re-applying the edit, unless that someone changed the same tag: then it is a
 * conflict. Never force-pushes. Cannot open pull requests: it commits to the default branch.
 */
export class GitPromotionExecutor implements PromotionExecutor {
  readonly id = 'git';
  readonly changeKinds = ['commit'] as const;
  private readonly git: GitRunner;

  constructor(private readonly options: GitPromotionExecutorOptions) {
    this.git =
      options.runGit ?? createGitRunner({ timeoutMs: options.timeoutMs });
  }

  supports(repository: string): boolean {
    return isGitUrl(repository);
  }

  /** Refuses a `file://` repository outside the allowed folders, and anything that is not a Git URL. */
  checkRepository(repository: string): Promise<void> {
    return checkGitRepository(repository, {
      fileRoots: this.options.allowedFileRoots,
      isAllowedHost: this.options.isAllowedHost,
    });
  }

  async apply(request: PromotionChangeRequest): Promise<PromotionChangeResult> {
    await this.checkRepository(request.repository);
    const workdir = await mkdtemp(
      join(this.options.tempRoot ?? tmpdir(), 'shiplog-promotion-'),
    );
    const repo = join(workdir, 'repo');
    const env = gitCredentialsEnv(
      await this.options.credentialsFor?.(request.repository),
    );
    const { signal } = request;
    const run: GitInClone = (...args) =>
      this.git(args, { cwd: repo, env, signal });
    try {
      await this.git(
        [
          'clone',
          '--depth',
          '1',
          '--no-tags',
          '--single-branch',
          '--',
          request.repository,
          repo,
        ],
        { cwd: workdir, env, signal },
      );
      const branch = (
        await run('symbolic-ref', '--short', 'HEAD')
      ).stdout.trim();
      // Awaited here: the clone is removed in `finally`.
      return await this.editAndPush(run, repo, branch, request);
    } finally {
      await rm(workdir, { recursive: true, force: true });
    }
  }

  /**
   * Edits the tag, commits and pushes. A push refused because the branch moved on is retried once on
   * the fresh branch, unless the tag itself changed meanwhile.
   */
  private async editAndPush(
    run: GitInClone,
    repo: string,
    branch: string,
    request: PromotionChangeRequest,
  ): Promise<PromotionChangeResult> {
    let firstPrevious: string | undefined;
    for (let attempt = 0; ; attempt++) {
      const edit = await this.edit(repo, request);
      if (firstPrevious === undefined) {
        firstPrevious = edit.previous;
      } else if (edit.previous !== firstPrevious) {
        throw new ConflictError(
          `${request.path} changed while Shiplog edited it: ${request.keyPath} is now ${edit.previous} (was ${firstPrevious}); look at the repository and promote again`,
        );
      }
      // Unchanged: the values file already asks for this version, nothing to commit.
      if (edit.changed) {
        await this.commit(run, request);
        if (!(await this.push(run, request, branch, attempt))) continue;
      }
      return {
        kind: 'commit',
        state: 'merged',
        previousValue: edit.previous,
        branch,
        commitSha: (await run('rev-parse', 'HEAD')).stdout.trim(),
      };
    }
  }

  private async commit(run: GitInClone, request: PromotionChangeRequest) {
    await run('add', '--', request.path);
    await run(
      '-c',
      `user.name=${this.options.author.name}`,
      '-c',
      `user.email=${this.options.author.email}`,
      'commit',
      '--no-verify',
      '-m',
      request.title,
      '-m',
      request.body,
    );
  }

  /** Pushes; false when the branch moved on first (the clone is then reset to it for a retry). */
  private async push(
    run: GitInClone,
    request: PromotionChangeRequest,
    branch: string,
    attempt: number,
  ): Promise<boolean> {
    try {
      await run('push', '--porcelain', 'origin', `HEAD:refs/heads/${branch}`);
      return true;
    } catch (error) {
      if (!isNonFastForward(error)) throw error;
      if (attempt > 0) {
        throw new ConflictError(
          `${redactCredentials(
            request.repository,
          )}: ${branch} moved on twice while Shiplog pushed; promote again`,
        );
      }
      await run('fetch', '--depth', '1', '--no-tags', 'origin', branch);
      await run('reset', '--hard', 'FETCH_HEAD');
      return false;
    }
  }

  private async edit(repo: string, request: PromotionChangeRequest) {
    let source: string;
    const file = join(repo, request.path);
    try {
      // A symbolic link in the repository must not lead the edit to a file outside it.
      const inside = relative(await realpath(repo), await realpath(file));
      if (inside.startsWith('..') || isAbsolute(inside)) {
        throw new YamlEditError(
          `${request.path} is a symbolic link out of the repository; Shiplog edits only files inside it`,
        );
      }
      source = await readFile(file, 'utf8');
    } catch (error) {
      if (error instanceof YamlEditError) throw error;
      throw new YamlEditError(
        `the values file ${request.path} does not exist in ${redactCredentials(
          request.repository,
        )}; create it or fix the shiplog.dev/values-path annotation`,
      );
    }
    const edit = setYamlScalar(source, request.keyPath, request.version);
    if (edit.changed) {
      await writeFile(file, edit.content, 'utf8');
    }
    return edit;
  }
}
