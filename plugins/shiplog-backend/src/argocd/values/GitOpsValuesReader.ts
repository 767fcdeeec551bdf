import { UrlReaderService } from '@backstage/backend-plugin-api';
import { ScmIntegrationRegistry } from '@backstage/integration';
import { createHash } from 'crypto';
import { mkdir } from 'fs/promises';
import { tmpdir } from 'os';
import { join } from 'path';
import { parseDocument } from 'yaml';
import {
  checkGitRepository,
  createGitRunner,
  GitRunner,
} from '../../gitops/git';
import { TtlCache } from '../../cache/TtlCache';

/**
 * Reads a values file at a branch of a GitOps repository: through Backstage's URL reader on hosts with an
 * integration (credentials from `integrations.*`), otherwise with `git fetch --depth 1` into a cache.
 * `file://` repositories must lie under an allowed root, so a catalog author cannot read any repository on
 * the backend host.
 */
export class GitOpsValuesReader {
  private readonly files: TtlCache<string>;
  private readonly fetches: TtlCache<string>;
  private readonly runGit: GitRunner;

  constructor(
    private readonly options: {
      urlReader: UrlReaderService;
      integrations: ScmIntegrationRegistry;
      allowedFileRoots: string[];
      ttlMs: number;
      timeoutMs: number;
      cacheDir?: string;
    },
  ) {
    this.files = new TtlCache(options.ttlMs);
    this.fetches = new TtlCache(options.ttlMs);
    this.runGit = createGitRunner({ timeoutMs: options.timeoutMs });
  }

  private git(args: string[]) {
    return this.runGit(args, {});
  }

  /** The scalar at `keyPath` (e.g. `image.tag`) of the file, as a string. */
  async readTag(
    repository: string,
    ref: string,
    path: string,
    keyPath: string,
  ): Promise<string> {
    const content = await this.files.get(`${repository}\0${ref}\0${path}`, () =>
      this.readFile(repository, ref, path),
    );
    const doc = parseDocument(content);
    const value = doc.getIn(keyPath.split('.'));
    if (value === undefined || value === null || typeof value === 'object') {
      throw new Error(`${path} has no scalar at ${keyPath}`);
    }
    return String(value);
  }

  private async readFile(
    repository: string,
    ref: string,
    path: string,
  ): Promise<string> {
    const integration = this.options.integrations.byUrl(repository);
    if (integration && /^https?:/.test(repository)) {
      const base = repository.replace(/\.git$/, '').replace(/\/+$/, '');
      const url = integration.resolveUrl({
        url: path,
        base: `${base}/blob/${encodeURIComponent(ref)}/`,
      });
      const response = await this.options.urlReader.readUrl(url);
      return (await response.buffer()).toString('utf8');
    }
    const gitDir = await this.fetches.get(`${repository}\0${ref}`, () =>
      this.fetch(repository, ref),
    );
    const { stdout } = await this.git([
      '--git-dir',
      gitDir,
      'show',
      `refs/shiplog/${this.refName(ref)}:${path}`,
    ]);
    return stdout;
  }

  private refName(ref: string): string {
    return ref.replace(/[^A-Za-z0-9._-]/g, '_');
  }

  /** Fetches into one cache repository run one at a time (git locks the repository). */
  private readonly queues = new Map<string, Promise<unknown>>();

  private fetch(repository: string, ref: string): Promise<string> {
    const previous = this.queues.get(repository) ?? Promise.resolve();
    const next = previous
      .catch(() => undefined)
      .then(() => this.fetchNow(repository, ref));
    this.queues.set(repository, next);
    next
      .catch(() => undefined)
      .finally(() => {
        if (this.queues.get(repository) === next)
          this.queues.delete(repository);
      });
    return next;
  }

  /** Shallow-fetches the branch into a bare cache repository, once per TTL per (repository, branch). */
  private async fetchNow(repository: string, ref: string): Promise<string> {
    await checkGitRepository(repository, this.options.allowedFileRoots);
    if (ref.startsWith('-')) throw new Error(`"${ref}" is not a branch`);
    const gitDir = join(
      this.options.cacheDir ?? join(tmpdir(), 'shiplog-gitops-cache'),
      createHash('sha256').update(repository).digest('hex').slice(0, 24),
    );
    await mkdir(gitDir, { recursive: true });
    await this.git(['init', '--bare', '--quiet', gitDir]);
    await this.git([
      '--git-dir',
      gitDir,
      'fetch',
      '--quiet',
      '--depth',
      '1',
      '--',
      repository,
      `+${ref === 'HEAD' ? 'HEAD' : ref}:refs/shiplog/${this.refName(ref)}`,
    ]);
    return gitDir;
  }
}
