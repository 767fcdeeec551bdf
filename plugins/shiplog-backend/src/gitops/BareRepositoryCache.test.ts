import { seedBareRepository } from '@shiplog/argocd-simulator';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BareRepositoryCache } from './BareRepositoryCache';
import { createGitRunner } from './git';

jest.setTimeout(30_000);

describe('BareRepositoryCache', () => {
  let dir: string;
  let clock: number;
  const repos = ['a', 'b', 'c'];
  const url = (name: string) => `file://${dir}/repos/${name}.git`;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'shiplog-bare-cache-'));
    clock = 0;
    for (const name of repos) {
      await seedBareRepository(join(dir, 'repos', `${name}.git`), {
        'values.yaml': `name: ${name}\n`,
      });
    }
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  const cache = (options: { maxRepositories?: number; maxIdleMs?: number }) =>
    new BareRepositoryCache({
      runGit: createGitRunner({ timeoutMs: 10_000 }),
      allowed: {
        fileRoots: [join(dir, 'repos')],
        isAllowedHost: () => false,
      },
      cacheDir: join(dir, 'cache'),
      ttlMs: 60_000,
      now: () => clock,
      ...options,
    });

  it('reads files and deletes the least recently used repositories beyond the limit', async () => {
    const bare = cache({ maxRepositories: 2 });
    await expect(bare.readFile(url('a'), 'main', 'values.yaml')).resolves.toBe(
      'name: a\n',
    );
    const [first] = bare.cachedGitDirs();
    clock = 1;
    await bare.readFile(url('b'), 'main', 'values.yaml');
    clock = 2;
    await bare.readFile(url('c'), 'main', 'values.yaml');
    expect(bare.cachedGitDirs()).toHaveLength(2);
    expect(bare.cachedGitDirs()).not.toContain(first);
    expect(existsSync(first)).toBe(false);
  });

  it('deletes repositories idle too long', async () => {
    const bare = cache({ maxIdleMs: 1000 });
    await bare.readFile(url('a'), 'main', 'values.yaml');
    const [first] = bare.cachedGitDirs();
    clock = 5000;
    await bare.readFile(url('b'), 'main', 'values.yaml');
    expect(existsSync(first)).toBe(false);
    expect(bare.cachedGitDirs()).toHaveLength(1);
  });

  it('never fetches from a host that is not allowed', async () => {
    const bare = cache({});
    await expect(
      bare.readFile('http://127.0.0.1:1/x.git', 'main', 'values.yaml'),
    ).rejects.toThrow('127.0.0.1:1 is not a Git host Shiplog may reach');
    expect(bare.cachedGitDirs()).toEqual([]);
  });
});
