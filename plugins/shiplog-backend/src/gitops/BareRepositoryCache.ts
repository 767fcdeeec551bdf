import { createHash } from 'node:crypto';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { AllowedGitRepositories, checkGitRepository, GitRunner } from './git';

interface CachedRepository {
  gitDir: string;
  /** When each branch was last fetched. */
  fetchedAt: Map<string, number>;
  lastUsed: number;
  /** Operations on one bare repository run one at a time (git locks it), and pruning waits for them. */
  queue: Promise<unknown>;
  busy: number;
}

export interface BareRepositoryCacheOptions {
  runGit: GitRunner;
  allowed: AllowedGitRepositories;
  cacheDir: string;
  /** How long a fetched branch is used before it is fetched again. */
  ttlMs: number;
  /** Most repositories kept on disk; the least recently used beyond it are deleted. Default 50. */
  maxRepositories?: number;
  /** A repository unused this long is deleted. Default 1 hour. */
  maxIdleMs?: number;
  now?: () => number;
}

/**
 * Reads files of Git repositories that have no URL-reader integration, through shallow fetches into bare
 * repositories on disk. Only repositories `AllowedGitRepositories` admits are fetched, and the cache is
 * pruned (least recently used beyond a count, and anything idle too long), so annotations naming many
 * repositories cannot fill the disk.
 */
export class BareRepositoryCache {
  private readonly repositories = new Map<string, CachedRepository>();
  private readonly now: () => number;

  constructor(private readonly options: BareRepositoryCacheOptions) {
    this.now = options.now ?? Date.now;
  }

  /** The content of `path` at branch `ref` (or `HEAD`) of the repository. */
  async readFile(
    repository: string,
    ref: string,
    path: string,
  ): Promise<string> {
    if (ref.startsWith('-')) throw new Error(`"${ref}" is not a branch`);
    await checkGitRepository(repository, this.options.allowed);
    const entry = this.entry(repository);
    entry.busy++;
    const run = entry.queue
      .catch(() => undefined)
      .then(async () => {
        await this.fetchIfStale(repository, entry, ref);
        const { stdout } = await this.options.runGit(
          [
            '--git-dir',
            entry.gitDir,
            'show',
            `refs/shiplog/${refName(ref)}:${path}`,
          ],
          {},
        );
        return stdout;
      });
    entry.queue = run;
    try {
      return await run;
    } finally {
      entry.busy--;
      entry.lastUsed = this.now();
      await this.prune();
    }
  }

  /** Paths of the bare repositories kept now (for tests and diagnostics). */
  cachedGitDirs(): string[] {
    return [...this.repositories.values()].map(entry => entry.gitDir);
  }

  private entry(repository: string): CachedRepository {
    let entry = this.repositories.get(repository);
    if (!entry) {
      entry = {
        gitDir: join(
          this.options.cacheDir,
          createHash('sha256').update(repository).digest('hex').slice(0, 24),
        ),
        fetchedAt: new Map(),
        lastUsed: this.now(),
        queue: Promise.resolve(),
        busy: 0,
      };
      this.repositories.set(repository, entry);
    }
    return entry;
  }

  private async fetchIfStale(
    repository: string,
    entry: CachedRepository,
    ref: string,
  ): Promise<void> {
    const fetchedAt = entry.fetchedAt.get(ref);
    if (
      fetchedAt !== undefined &&
      this.now() - fetchedAt < this.options.ttlMs
    ) {
      return;
    }
    await mkdir(entry.gitDir, { recursive: true });
    await this.options.runGit(['init', '--bare', '--quiet', entry.gitDir], {});
    await this.options.runGit(
      [
        '--git-dir',
        entry.gitDir,
        'fetch',
        '--quiet',
        '--depth',
        '1',
        '--',
        repository,
        `+${ref}:refs/shiplog/${refName(ref)}`,
      ],
      {},
    );
    entry.fetchedAt.set(ref, this.now());
  }

  /** Deletes idle repositories and the least recently used beyond the limit; never one in use. */
  private async prune(): Promise<void> {
    const maxRepositories = this.options.maxRepositories ?? 50;
    const maxIdleMs = this.options.maxIdleMs ?? 60 * 60 * 1000;
    const idle = [...this.repositories.entries()]
      .filter(([, entry]) => entry.busy === 0)
      .sort(([, a], [, b]) => a.lastUsed - b.lastUsed);
    let excess = this.repositories.size - maxRepositories;
    for (const [repository, entry] of idle) {
      const stale = this.now() - entry.lastUsed > maxIdleMs;
      if (!stale && excess <= 0) break;
      this.repositories.delete(repository);
      excess--;
      await rm(entry.gitDir, { recursive: true, force: true });
    }
  }
}

function refName(ref: string): string {
  return ref.replace(/[^A-Za-z0-9._-]/g, '_');
}
