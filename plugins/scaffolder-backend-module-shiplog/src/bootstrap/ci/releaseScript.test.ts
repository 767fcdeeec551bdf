import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
// The real Shiplog backend answers the script: this test is about the two working together.
// eslint-disable-next-line @backstage/no-mixed-plugin-imports
import shiplogPlugin from '@shiplog/plugin-shiplog-backend';
import type { ReleaseEventInput } from '@shiplog/plugin-shiplog-common';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, IncomingMessage, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { RELEASE_SCRIPT } from './scripts';

// The release job's logic (the generated ci/shiplog-release.sh) against a real Git repository, a
// real Shiplog backend and a stand-in for GitHub's releases API. Child processes run asynchronously:
// the backend answering them lives in this process.
const run = promisify(execFile);
jest.setTimeout(120_000);

const ledger = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'ledger', namespace: 'default' },
  spec: { type: 'service', owner: 'team-payments', lifecycle: 'production' },
};

/** GitHub's releases endpoints for one repository, in memory. */
function startGithub(): Promise<{
  server: Server;
  url: string;
  releases: Array<{ tag_name: string; body: string; auth?: string }>;
}> {
  const releases: Array<{ tag_name: string; body: string; auth?: string }> = [];
  const read = async (req: IncomingMessage) => {
    let body = '';
    for await (const chunk of req) body += chunk;
    return body;
  };
  const server = createServer(async (req, res) => {
    const prefix = '/repos/acme/ledger/releases';
    if (req.method === 'GET' && req.url?.startsWith(`${prefix}/tags/`)) {
      const tag = req.url.slice(`${prefix}/tags/`.length);
      const found = releases.find(r => r.tag_name === tag);
      res.writeHead(found ? 200 : 404).end(JSON.stringify(found ?? {}));
    } else if (req.method === 'POST' && req.url === prefix) {
      const release = JSON.parse(await read(req));
      releases.push({ ...release, auth: req.headers.authorization });
      res.writeHead(201).end(JSON.stringify(release));
    } else {
      res.writeHead(404).end('{}');
    }
  });
  return new Promise(resolve =>
    server.listen(0, '127.0.0.1', () =>
      resolve({
        server,
        url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        releases,
      }),
    ),
  );
}

describe('the generated release job', () => {
  let shiplogUrl: string;
  let github: Awaited<ReturnType<typeof startGithub>>;
  let root: string;
  let clone: string;
  let events = 0;
  const git = async (...args: string[]) =>
    (await run('git', args, { cwd: clone })).stdout.trim();

  beforeAll(async () => {
    const { server } = await startTestBackend({
      features: [
        shiplogPlugin,
        mockServices.rootConfig.factory({
          data: { shiplog: { environments: [{ name: 'dev' }] } },
        }),
        catalogServiceMock.factory({ entities: [ledger] }),
      ],
    });
    shiplogUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    github = await startGithub();
    root = mkdtempSync(join(tmpdir(), 'shiplog-release-'));
    clone = join(root, 'clone');
    await run('git', [
      'init',
      '--bare',
      '--initial-branch=main',
      join(root, 'origin.git'),
    ]);
    await run('git', ['clone', join(root, 'origin.git'), clone]);
    writeFileSync(join(root, 'release.sh'), RELEASE_SCRIPT);
    for (const [key, value] of Object.entries({
      'user.name': 'Mona',
      'user.email': 'mona@example.com',
    })) {
      await git('config', key, value);
    }
  });

  afterAll(async () => {
    github.server.close();
    rmSync(root, { recursive: true, force: true });
  });

  /** What Shiplog hears from CI: POST /v1/events with the service token. */
  const report = async (event: Omit<ReleaseEventInput, 'id' | 'entityRef'>) => {
    const res = await fetch(`${shiplogUrl}/api/shiplog/v1/events`, {
      method: 'POST',
      headers: {
        authorization: mockCredentials.service.header(),
        'content-type': 'application/json',
      },
      body: JSON.stringify({
        id: `e${events++}`,
        entityRef: 'ledger',
        ...event,
      }),
    });
    expect(res.status).toBe(202);
  };

  /** A merge to main, built and reported as the build job does (its commits, named by the sha). */
  const merge = async (message: string) => {
    writeFileSync(join(clone, 'CHANGES'), `${message}\n`, { flag: 'a' });
    await git('add', 'CHANGES');
    await git('commit', '-m', message);
    await git('push', '--quiet', 'origin', 'main');
    const commitSha = await git('rev-parse', 'HEAD');
    await report({
      type: 'build',
      status: 'succeeded',
      commitSha,
      commits: [{ sha: commitSha, message }],
    });
    return commitSha;
  };

  /** The release job: the script, then the release event it reports for a version it names. */
  const releaseJob = async (commitSha: string) => {
    const output = join(root, 'release.env');
    writeFileSync(output, '');
    const { stdout } = await run('bash', [join(root, 'release.sh')], {
      cwd: clone,
      env: {
        PATH: process.env.PATH,
        HOME: root,
        SHIPLOG_URL: shiplogUrl,
        SHIPLOG_TOKEN: mockCredentials.service.token(),
        SHIPLOG_ENTITY: 'component:default/ledger',
        COMMIT_SHA: commitSha,
        RELEASE_OUTPUT: output,
        GITHUB_TOKEN: 'gh-token',
        GITHUB_REPOSITORY: 'acme/ledger',
        GITHUB_API_URL: github.url,
      },
    });
    const result = Object.fromEntries(
      readFileSync(output, 'utf8')
        .trim()
        .split('\n')
        .map(line => line.split(/=(.*)/s).slice(0, 2)),
    );
    if (result.version) {
      await report({
        type: 'release',
        status: 'succeeded',
        version: result.version,
        commitSha,
      });
    }
    return { ...result, log: stdout };
  };

  const tags = async () =>
    (
      await run('git', ['tag', '--list', '--sort=v:refname'], {
        cwd: join(root, 'origin.git'),
      })
    ).stdout
      .trim()
      .split('\n');

  it('cuts 1.0.1, 1.1.0 and 2.0.0 for fix:, feat: and feat!: merges, and nothing new on a re-run', async () => {
    const first = await merge('feat: first release');
    await git('tag', 'v1.0.0', first);
    await git('push', '--quiet', 'origin', 'v1.0.0');
    await report({
      type: 'release',
      status: 'succeeded',
      version: '1.0.0',
      commitSha: first,
    });

    const fix = await merge('fix(ledger): round totals');
    expect(await releaseJob(fix)).toMatchObject({
      version: '1.0.1',
      tag: 'v1.0.1',
      bump: 'patch',
      released: 'true',
    });
    const feat = await merge('feat: export to CSV');
    expect(await releaseJob(feat)).toMatchObject({
      version: '1.1.0',
      bump: 'minor',
      released: 'true',
    });
    const breaking = await merge('feat!: drop the v1 API');
    expect(await releaseJob(breaking)).toMatchObject({
      version: '2.0.0',
      bump: 'major',
      released: 'true',
    });
    expect(await tags()).toEqual(['v1.0.0', 'v1.0.1', 'v1.1.0', 'v2.0.0']);
    expect(
      await Promise.all(
        ['v1.0.1', 'v1.1.0', 'v2.0.0'].map(tag =>
          git('rev-parse', `${tag}^{commit}`),
        ),
      ),
    ).toEqual([fix, feat, breaking]);

    // The GitHub releases carry Shiplog's notes.
    expect(github.releases.map(r => [r.tag_name, r.auth])).toEqual([
      ['v1.0.1', 'Bearer gh-token'],
      ['v1.1.0', 'Bearer gh-token'],
      ['v2.0.0', 'Bearer gh-token'],
    ]);
    expect(github.releases[0].body).toContain(
      '### Bug fixes\n\n- **ledger:** round totals',
    );
    expect(github.releases[1].body).toContain(
      '### Features\n\n- export to CSV',
    );
    expect(github.releases[2].body).toContain(
      '### Breaking changes\n\n- drop the v1 API',
    );
    // The annotated tag holds them too ("##" lines kept, not taken for comments).
    expect(
      await git('tag', '--list', '--format=%(contents)', 'v2.0.0'),
    ).toContain('## 2.0.0');

    // A re-run of the same merge: same version, nothing new cut.
    expect(await releaseJob(breaking)).toMatchObject({
      version: '2.0.0',
      bump: 'none',
      released: 'false',
    });
    expect(await tags()).toEqual(['v1.0.0', 'v1.0.1', 'v1.1.0', 'v2.0.0']);
    expect(github.releases).toHaveLength(3);

    // A merge that releases nothing names no version.
    const docs = await merge('docs: explain exports');
    expect(await releaseJob(docs)).toMatchObject({
      version: '',
      bump: 'none',
      released: 'false',
    });
    expect(await tags()).toHaveLength(4);
  });

  it('refuses to move a version: a tag on another commit stops the job', async () => {
    const next = await merge('fix: a');
    // Someone pushed v2.0.1 by hand on an older commit.
    await git('tag', 'v2.0.1', `${next}~2`);
    await git('push', '--quiet', 'origin', 'v2.0.1');
    await expect(releaseJob(next)).rejects.toMatchObject({
      stderr: expect.stringContaining('v2.0.1 already names'),
    });
  });
});
