import { UrlReaderService } from '@backstage/backend-plugin-api';
import { ScmIntegrationRegistry } from '@backstage/integration';
import { execFile } from 'child_process';
import { createHash } from 'crypto';
import { realpathSync } from 'fs';
import { mkdir } from 'fs/promises';
import { tmpdir } from 'os';
import { join, resolve, sep } from 'path';
import { fileURLToPath } from 'url';
import { promisify } from 'util';
import { parseDocument } from 'yaml';
import { TtlCache } from './TtlCache';

const run = promisify(execFile);

/**
 * Reads a values file at a branch of a GitOps repository: through Backstage's URL reader on hosts with an
 * integration (credentials from `integrations.*`), otherwise with `git fetch --depth 1` into a cache.
 * `file://` repositories must lie under an allowed root, so a catalog author cannot read any repository on
 * the backend host.
 */
export class GitOpsValuesReader {
  private readonly files: TtlCache<string>;
  private readonly fetches: TtlCache<string>;

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

  private checkRepositoryUrl(repository: string): void {
    if (repository.startsWith('-')) {
      throw new Error(`repository "${repository}" is not a Git URL`);
    }
    if (repository.startsWith('file:')) {
      // fileURLToPath refuses an encoded "/" (git would decode `..%2F`), realpath follows symlinks.
      let path: string;
      try {
        path = realpathSync(fileURLToPath(repository));
      } catch {
        throw new Error(
          `repository ${repository} is not a readable local path`,
        );
      }
      const allowed = this.options.allowedFileRoots.some(root => {
        let base = resolve(root);
        try {
          base = realpathSync(base);
        } catch {
          // a root that does not exist allows nothing below it but itself
        }
        return path === base || path.startsWith(base + sep);
      });
      if (!allowed) {
        throw new Error(
          `repository ${repository} is outside shiplog.gitops.allowedFileRoots`,
        );
      }
    } else if (!/^(https?|git|ssh):\/\/|^[\w.-]+@[\w.-]+:/.test(repository)) {
      throw new Error(`repository "${repository}" is not a Git URL`);
    }
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
    this.checkRepositoryUrl(repository);
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

  private git(args: string[]) {
    return run('git', args, {
      timeout: this.options.timeoutMs,
      // Data transports only: never `ext::` (runs commands) or other remote helpers a URL could name.
      env: {
        ...process.env,
        GIT_TERMINAL_PROMPT: '0',
        GIT_ALLOW_PROTOCOL: 'file:git:http:https:ssh',
      },
      maxBuffer: 8 * 1024 * 1024,
    });
  }
}
