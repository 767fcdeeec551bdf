import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { PromotionChangeRequest } from '@shiplog/plugin-shiplog-node';
import { promotionChangeRequest } from '../../__testUtils__/promotionRequest';
import { createGitRunner, GitRunner } from '../../gitops/git';
import { GitPromotionExecutor } from './GitPromotionExecutor';

jest.setTimeout(60_000);

const VALUES = `# Values for checkout in prod. Edited by Shiplog promotions.
replicaCount: 3

image:
  repository: ghcr.io/acme/checkout   # pinned registry
  # the tag Argo CD deploys
  tag: "1.1.0"
  pullPolicy: IfNotPresent

resources: &res
  limits: { cpu: 500m }
`;

const git = (cwd: string, ...args: string[]) =>
  execFileSync('git', args, {
    cwd,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, LC_ALL: 'C' },
  }).trim();

let root: string;
/** This test's own temp root for the executor's clones: nothing else writes there. */
let clones: string;
let bare: string;
let url: string;

/** Commits files to the bare repository's main branch from a scratch clone, as another user would. */
function commitToBare(files: Record<string, string>, message = 'seed') {
  const work = mkdtempSync(join(root, 'other-'));
  git(root, 'clone', '-q', bare, work);
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(work, path)), { recursive: true });
    writeFileSync(join(work, path), content);
  }
  git(work, 'add', '-A');
  git(
    work,
    '-c',
    'user.name=Someone',
    '-c',
    'user.email=someone@example.com',
    'commit',
    '-qm',
    message,
  );
  git(work, 'push', '-q', 'origin', 'HEAD:main');
  rmSync(work, { recursive: true, force: true });
}

const show = (path: string) =>
  git(root, '--git-dir', bare, 'show', `main:${path}`);

const request = (overrides: Partial<PromotionChangeRequest> = {}) =>
  promotionChangeRequest({
    repository: url,
    kind: 'commit',
    autoMerge: false,
    body: 'Requested by user:default/jane',
    labels: [],
    ...overrides,
  });

function executor(runGit?: GitRunner, allowedFileRoots = [root]) {
  return new GitPromotionExecutor({
    allowedFileRoots,
    author: { name: 'Shiplog', email: 'shiplog@localhost' },
    timeoutMs: 30_000,
    runGit,
    tempRoot: clones,
  });
}

/** The real runner, with a hook before each push: how a concurrent push is staged deterministically. */
function withBeforePush(beforePush: (attempt: number) => void): GitRunner {
  const real = createGitRunner({ timeoutMs: 30_000 });
  let pushes = 0;
  return async (args, options) => {
    if (args[0] === 'push') beforePush(pushes++);
    return real(args, options);
  };
}

const shiplogTempDirs = () =>
  readdirSync(clones).filter(name => name.startsWith('shiplog-promotion-'));

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'shiplog-git-test-'));
  clones = join(root, 'clones');
  mkdirSync(clones);
  bare = join(root, 'gitops.git');
  git(root, 'init', '-q', '--bare', '-b', 'main', bare);
  url = pathToFileURL(bare).toString();
  commitToBare({
    'charts/checkout/values-prod.yaml': VALUES,
    'charts/checkout/values-dev.yaml': 'image:\n  tag: 1.2.0\n',
  });
});

afterEach(() => {
  rmSync(root, { recursive: true, force: true });
});

describe('GitPromotionExecutor', () => {
  it('commits the one-line change to the default branch and pushes it, leaving no temp folder', async () => {
    const before = shiplogTempDirs();
    const result = await executor().apply(request());
    expect(result).toEqual({
      kind: 'commit',
      state: 'merged',
      previousValue: '1.1.0',
      branch: 'main',
      commitSha: git(root, '--git-dir', bare, 'rev-parse', 'main'),
    });
    expect(show('charts/checkout/values-prod.yaml')).toBe(
      VALUES.replace('tag: "1.1.0"', 'tag: "1.2.0"').trimEnd(),
    );
    expect(
      git(root, '--git-dir', bare, 'log', '-1', '--format=%an <%ae>%n%s%n%b'),
    ).toBe(
      'Shiplog <shiplog@localhost>\nPromote checkout 1.2.0 to prod\nRequested by user:default/jane',
    );
    expect(
      git(root, '--git-dir', bare, 'diff', '--numstat', 'main~1', 'main'),
    ).toBe('1\t1\tcharts/checkout/values-prod.yaml');
    expect(shiplogTempDirs()).toEqual(before);
  });

  it('clones under its own temp root, and removes the clone even when the change fails', async () => {
    const real = createGitRunner({ timeoutMs: 30_000 });
    const clonedInto: string[] = [];
    const runGit: GitRunner = async (args, options) => {
      if (args[0] === 'clone') clonedInto.push(args[args.length - 1]);
      return real(args, options);
    };
    await executor(runGit).apply(request());
    await expect(
      executor(runGit).apply(request({ keyPath: 'image.digest' })),
    ).rejects.toThrow('key image.digest is missing');
    expect(clonedInto).toHaveLength(2);
    for (const path of clonedInto) {
      expect(path.startsWith(join(clones, 'shiplog-promotion-'))).toBe(true);
    }
    expect(shiplogTempDirs()).toEqual([]);
  });

  it('makes no commit when the values file already asks for the version', async () => {
    const head = git(root, '--git-dir', bare, 'rev-parse', 'main');
    const result = await executor().apply(
      request({ path: 'charts/checkout/values-dev.yaml' }),
    );
    expect(result).toMatchObject({ state: 'merged', commitSha: head });
    expect(git(root, '--git-dir', bare, 'rev-parse', 'main')).toBe(head);
  });

  it('retries once on a non-fast-forward push, re-applying the edit on the fresh branch', async () => {
    const runGit = withBeforePush(attempt => {
      if (attempt === 0) {
        commitToBare(
          { 'charts/payments/values-prod.yaml': 'image:\n  tag: 9.9.9\n' },
          'payments to prod',
        );
      }
    });
    const result = await executor(runGit).apply(request());
    expect(result.state).toBe('merged');
    expect(git(root, '--git-dir', bare, 'log', '--format=%s', 'main')).toBe(
      'Promote checkout 1.2.0 to prod\npayments to prod\nseed',
    );
    expect(show('charts/checkout/values-prod.yaml')).toContain('tag: "1.2.0"');
    expect(show('charts/payments/values-prod.yaml')).toContain('9.9.9');
  });

  it('answers a conflict, and overwrites nothing, when someone changed the same tag meanwhile', async () => {
    const runGit = withBeforePush(() =>
      commitToBare(
        {
          'charts/checkout/values-prod.yaml': VALUES.replace('1.1.0', '1.1.1'),
        },
        'hotfix to prod',
      ),
    );
    await expect(executor(runGit).apply(request())).rejects.toMatchObject({
      name: 'ConflictError',
      message: expect.stringContaining('image.tag is now 1.1.1 (was 1.1.0)'),
    });
    expect(show('charts/checkout/values-prod.yaml')).toContain('tag: "1.1.1"');
  });

  it('gives up with a conflict when the branch moves on twice', async () => {
    let n = 0;
    const runGit = withBeforePush(() =>
      commitToBare({ [`other-${n++}.txt`]: 'x' }, `other ${n}`),
    );
    await expect(executor(runGit).apply(request())).rejects.toMatchObject({
      name: 'ConflictError',
      message: expect.stringContaining('main moved on twice'),
    });
    expect(show('charts/checkout/values-prod.yaml')).toContain('tag: "1.1.0"');
  });

  it('refuses a missing key, a missing file and a symbolic link out of the repository', async () => {
    await expect(
      executor().apply(request({ keyPath: 'image.digest' })),
    ).rejects.toMatchObject({
      name: 'YamlEditError',
      message: expect.stringContaining('key image.digest is missing'),
    });
    await expect(
      executor().apply(request({ path: 'charts/nope/values-prod.yaml' })),
    ).rejects.toThrow(
      'the values file charts/nope/values-prod.yaml does not exist',
    );
    const outside = join(root, 'outside.yaml');
    writeFileSync(outside, 'image:\n  tag: 1.0.0\n');
    const work = mkdtempSync(join(root, 'link-'));
    git(root, 'clone', '-q', bare, work);
    symlinkSync(outside, join(work, 'link.yaml'));
    git(work, 'add', 'link.yaml');
    git(
      work,
      '-c',
      'user.name=x',
      '-c',
      'user.email=x@x',
      'commit',
      '-qm',
      'link',
    );
    git(work, 'push', '-q', 'origin', 'HEAD:main');
    await expect(
      executor().apply(request({ path: 'link.yaml' })),
    ).rejects.toThrow('link.yaml is a symbolic link out of the repository');
  });

  it('refuses file:// repositories outside the allowed roots, and transports that run commands', async () => {
    await expect(
      executor(undefined, [join(root, 'elsewhere')]).apply(request()),
    ).rejects.toMatchObject({
      name: 'InputError',
      message: expect.stringContaining(
        'outside shiplog.gitops.allowedFileRoots',
      ),
    });
    await expect(executor(undefined, []).apply(request())).rejects.toThrow(
      'outside shiplog.gitops.allowedFileRoots',
    );
    const git_ = executor();
    expect(git_.supports('ext::sh -c touch% /tmp/pwned')).toBe(false);
    expect(git_.supports('https://token@git.example.com/acme/gitops.git')).toBe(
      true,
    );
    expect(git_.supports('git@gitlab.example.com:acme/gitops.git')).toBe(true);
    expect(git_.supports('/srv/gitops.git')).toBe(false);
    await expect(
      git_.apply(request({ repository: '/srv/gitops.git' })),
    ).rejects.toThrow('is not a Git URL Shiplog can use');
  });

  it('reports a failing remote without leaking credentials', async () => {
    const port = await freePort();
    await expect(
      executor().apply(
        request({
          repository: `http://user:s3cret@127.0.0.1:${port}/gitops.git`,
        }),
      ),
    ).rejects.toThrow(/^git clone failed: .*127\.0\.0\.1/);
    await expect(
      executor().apply(
        request({
          repository: `http://user:s3cret@127.0.0.1:${port}/gitops.git`,
        }),
      ),
    ).rejects.not.toThrow('s3cret');
  });

  describe('over git://, as the demo serves its GitOps repository', () => {
    let daemon: ChildProcess;
    let port: number;

    beforeEach(async () => {
      port = await freePort();
      daemon = spawn(
        'git',
        [
          'daemon',
          '--reuseaddr',
          '--export-all',
          '--enable=receive-pack',
          `--base-path=${root}`,
          `--listen=127.0.0.1`,
          `--port=${port}`,
          root,
        ],
        { stdio: 'ignore' },
      );
      await waitForPort(port);
    });

    afterEach(() => {
      daemon.kill('SIGKILL');
    });

    it('pushes the change to a repository served by git daemon', async () => {
      const result = await executor(undefined, []).apply(
        request({ repository: `git://127.0.0.1:${port}/gitops.git` }),
      );
      expect(result).toMatchObject({ state: 'merged', previousValue: '1.1.0' });
      expect(show('charts/checkout/values-prod.yaml')).toContain(
        'tag: "1.2.0"',
      );
    });
  });
});

function freePort(): Promise<number> {
  return new Promise(resolve => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

async function waitForPort(port: number) {
  for (let i = 0; i < 100; i++) {
    const open = await new Promise<boolean>(resolve => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    await new Promise(r => setTimeout(r, 50));
  }
  throw new Error(`git daemon did not listen on ${port}`);
}
