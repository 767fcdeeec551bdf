import { LoggerService } from '@backstage/backend-plugin-api';
import { ConflictError, InputError } from '@backstage/errors';
import {
  GithubCredentialsProvider,
  ScmIntegrationRegistry,
} from '@backstage/integration';
import {
  PromotionChangeRequest,
  PromotionChangeResult,
  PromotionChangeStatus,
  PromotionExecutor,
  setYamlScalar,
  YamlEditError,
} from '@shiplog/plugin-shiplog-node';
import { Octokit } from '@octokit/rest';

export interface GithubPromotionExecutorOptions {
  integrations: ScmIntegrationRegistry;
  credentialsProvider: GithubCredentialsProvider;
  logger: LoggerService;
}

const status = (error: unknown) => (error as { status?: number }).status;

/** A repository reached through the API with its integration's credentials. */
type GithubRepository = { octokit: Octokit; owner: string; repo: string };

/** The values file's new content, the tag it replaces, and the blob it was read from. */
type EditedFile = { content: string; previous: string; blobSha: string };

const commitMessage = (request: PromotionChangeRequest) =>
  `${request.title}\n\n${request.body}`;

/**
 * The https form of a GitHub repository URL: `https://…` as is, `ssh://git@host/owner/repo.git` and
 * `git@host:owner/repo.git` rewritten; anything else undefined.
 */
export function toHttpsUrl(repository: string): string | undefined {
  if (/^https?:\/\//i.test(repository)) return repository;
  const ssh = /^ssh:\/\/(?:[^@/]+@)?([^/:]+)(?::\d+)?\/(.+)$/i.exec(repository);
  if (ssh) return `https://${ssh[1]}/${ssh[2]}`;
  const scp = /^[^@/]+@([^:/]+):(?!\/)(.+)$/.exec(repository);
  if (scp) return `https://${scp[1]}/${scp[2]}`;
  return undefined;
}

/**
 * The GitHub executor, for repositories on a host in `integrations.github`: reads the values file
 * through the API, edits the tag, and writes it back with the file's blob sha, so GitHub refuses the
 * write (and Shiplog answers 409) if anyone changed the file in between: a conflict, never a
 * clobber. A pull request comes from a branch made at the commit the file was read from, with the
 * changelog as its body, labels, and auto-merge where the environment allows it; a direct commit
 * goes to the default branch. Credentials (token or GitHub App) come from Backstage's integrations.
 */
export class GithubPromotionExecutor implements PromotionExecutor {
  readonly id = 'github';
  readonly changeKinds = ['pull-request', 'commit'] as const;

  constructor(private readonly options: GithubPromotionExecutorOptions) {}

  supports(repository: string): boolean {
    const url = toHttpsUrl(repository);
    return Boolean(url && this.options.integrations.github.byUrl(url));
  }

  private async connect(gitUrl: string) {
    // An SSH or scp-style URL of an integration host goes through the API too, with the integration's credentials.
    const repository = toHttpsUrl(gitUrl) ?? gitUrl;
    const integration = this.options.integrations.github.byUrl(repository);
    const [owner, name] = new URL(repository).pathname
      .replace(/^\/+/, '')
      .replace(/\.git$/, '')
      .split('/');
    if (!integration || !owner || !name) {
      throw new InputError(
        `${repository} is not a GitHub repository URL (https://<host>/<owner>/<repo>)`,
      );
    }
    const { token } = await this.options.credentialsProvider.getCredentials({
      url: `${new URL(repository).origin}/${owner}/${name}`,
    });
    const octokit = new Octokit({
      auth: token,
      baseUrl: integration.config.apiBaseUrl,
      // One attempt: a failed write must not be replayed blindly.
      request: { retries: 0 },
    });
    return { octokit, owner, repo: name };
  }

  async apply(request: PromotionChangeRequest): Promise<PromotionChangeResult> {
    const target = await this.connect(request.repository);
    const { octokit, owner, repo } = target;
    const { data: repository } = await octokit.rest.repos.get({ owner, repo });
    const base = repository.default_branch;
    const { data: ref } = await octokit.rest.git.getRef({
      owner,
      repo,
      ref: `heads/${base}`,
    });
    // Read the file at the exact commit a pull request branch would start from.
    const file = await this.readFile(octokit, {
      owner,
      repo,
      path: request.path,
      ref: ref.object.sha,
    });
    const edit = setYamlScalar(file.content, request.keyPath, request.version);
    if (!edit.changed) {
      return {
        kind: request.kind,
        state: 'merged',
        previousValue: edit.previous,
        branch: base,
        commitSha: ref.object.sha,
      };
    }
    const change: EditedFile = {
      content: edit.content,
      previous: edit.previous,
      blobSha: file.sha,
    };
    if (request.kind === 'commit') {
      return this.commitToBase(target, request, change, base);
    }
    return this.openPullRequest(target, request, change, {
      base,
      sha: ref.object.sha,
    });
  }

  private async commitToBase(
    target: GithubRepository,
    request: PromotionChangeRequest,
    change: EditedFile,
    base: string,
  ): Promise<PromotionChangeResult> {
    const commit = await this.writeFile(target.octokit, {
      owner: target.owner,
      repo: target.repo,
      path: request.path,
      branch: base,
      message: commitMessage(request),
      content: change.content,
      sha: change.blobSha,
    });
    return {
      kind: 'commit',
      state: 'merged',
      previousValue: change.previous,
      branch: base,
      commitSha: commit.sha,
      url: commit.url,
    };
  }

  /** A branch at the commit the file was read from, the edit on it, and a pull request to the base. */
  private async openPullRequest(
    target: GithubRepository,
    request: PromotionChangeRequest,
    change: EditedFile,
    from: { base: string; sha: string },
  ): Promise<PromotionChangeResult> {
    const { octokit, owner, repo } = target;
    await octokit.rest.git.createRef({
      owner,
      repo,
      ref: `refs/heads/${request.branch}`,
      sha: from.sha,
    });
    const commit = await this.writeFile(octokit, {
      owner,
      repo,
      path: request.path,
      branch: request.branch,
      message: commitMessage(request),
      content: change.content,
      sha: change.blobSha,
    });
    const { data: pull } = await octokit.rest.pulls.create({
      owner,
      repo,
      title: request.title,
      body: request.body,
      head: request.branch,
      base: from.base,
    });
    await this.labelAndAutoMerge(target, request, pull);
    return {
      kind: 'pull-request',
      state: 'opened',
      previousValue: change.previous,
      url: pull.html_url,
      number: pull.number,
      branch: request.branch,
      commitSha: commit.sha,
    };
  }

  /** Best effort: a pull request without its labels or auto-merge is still a promotion. */
  private async labelAndAutoMerge(
    { octokit, owner, repo }: GithubRepository,
    request: PromotionChangeRequest,
    pull: { number: number; node_id: string; html_url: string },
  ) {
    if (request.labels.length) {
      await octokit.rest.issues
        .addLabels({
          owner,
          repo,
          issue_number: pull.number,
          labels: request.labels,
        })
        .catch(error =>
          this.options.logger.warn(
            `Could not label ${pull.html_url}: ${error.message}`,
          ),
        );
    }
    if (request.autoMerge) {
      // Auto-merge is GraphQL-only. A repository that does not allow it keeps the pull request open.
      await octokit
        .graphql(
          `mutation($id: ID!) { enablePullRequestAutoMerge(input: { pullRequestId: $id, mergeMethod: SQUASH }) { clientMutationId } }`,
          { id: pull.node_id },
        )
        .catch(error =>
          this.options.logger.warn(
            `Could not enable auto-merge on ${pull.html_url}: ${error.message}`,
          ),
        );
    }
  }

  async getChangeStatus(change: {
    repository: string;
    number?: number;
  }): Promise<PromotionChangeStatus> {
    if (!change.number) {
      throw new InputError('a pull request number is required');
    }
    const { octokit, owner, repo } = await this.connect(change.repository);
    const { data: pull } = await octokit.rest.pulls.get({
      owner,
      repo,
      pull_number: change.number,
    });
    if (pull.merged) {
      return {
        state: 'merged',
        commitSha: pull.merge_commit_sha ?? undefined,
        url: pull.html_url,
      };
    }
    return {
      state: pull.state === 'closed' ? 'closed' : 'open',
      url: pull.html_url,
    };
  }

  private async readFile(
    octokit: Octokit,
    at: { owner: string; repo: string; path: string; ref: string },
  ): Promise<{ content: string; sha: string }> {
    let data: unknown;
    try {
      ({ data } = await octokit.rest.repos.getContent(at));
    } catch (error) {
      if (status(error) === 404) {
        throw new YamlEditError(
          `the values file ${at.path} does not exist in ${at.owner}/${at.repo}; create it or fix the shiplog.dev/values-path annotation`,
        );
      }
      throw error;
    }
    const file = data as {
      type?: string;
      content?: string;
      encoding?: string;
      sha?: string;
    };
    if (
      Array.isArray(data) ||
      file.type !== 'file' ||
      file.encoding !== 'base64' ||
      file.content === undefined ||
      !file.sha
    ) {
      throw new YamlEditError(
        `${at.path} in ${at.owner}/${at.repo} is not a file Shiplog can edit (a directory, a link, or larger than 1 MB)`,
      );
    }
    return {
      content: Buffer.from(file.content, 'base64').toString('utf8'),
      sha: file.sha,
    };
  }

  private async writeFile(
    octokit: Octokit,
    write: {
      owner: string;
      repo: string;
      path: string;
      branch: string;
      message: string;
      content: string;
      sha: string;
    },
  ): Promise<{ sha?: string; url?: string }> {
    try {
      const { data } = await octokit.rest.repos.createOrUpdateFileContents({
        owner: write.owner,
        repo: write.repo,
        path: write.path,
        branch: write.branch,
        message: write.message,
        content: Buffer.from(write.content, 'utf8').toString('base64'),
        sha: write.sha,
      });
      return { sha: data.commit.sha, url: data.commit.html_url };
    } catch (error) {
      if (status(error) === 409) {
        throw new ConflictError(
          `${write.path} changed in ${write.owner}/${write.repo} while Shiplog edited it (GitHub refused the write for a stale blob sha); look at the change and promote again`,
        );
      }
      throw error;
    }
  }
}
