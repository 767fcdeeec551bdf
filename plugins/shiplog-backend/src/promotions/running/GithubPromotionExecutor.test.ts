import {
  mockServices,
  registerMswTestHooks,
} from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import {
  DefaultGithubCredentialsProvider,
  ScmIntegrations,
} from '@backstage/integration';
import type { components } from '@octokit/openapi-types';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { createHash } from 'node:crypto';
import contentFileExample from './__fixtures__/github/content-file.json';
import fileCommitExample from './__fixtures__/github/file-commit.json';
import gitRefExample from './__fixtures__/github/git-ref.json';
import labelsExample from './__fixtures__/github/labels.json';
import pullRequestExample from './__fixtures__/github/pull-request.json';
import repositoryExample from './__fixtures__/github/repository.json';
import { promotionChangeRequest } from '../../__testUtils__/promotionRequest';
import { GithubPromotionExecutor, toHttpsUrl } from './GithubPromotionExecutor';

type Schemas = components['schemas'];

// GitHub's own examples, checked against its schema at compile time.
// GitHub's example leaves out `language` (here and in its source), which real responses always
// carry, null for a repository without code.
const repositoryFixture: Schemas['full-repository'] = {
  language: null,
  ...repositoryExample,
  source: { language: null, ...repositoryExample.source },
};
const gitRefFixture: Schemas['git-ref'] = gitRefExample;
const contentFileFixture: Schemas['content-file'] = {
  ...contentFileExample,
  type: 'file',
};
const fileCommitFixture: Schemas['file-commit'] = fileCommitExample;
// A JSON import widens enum values (state, author_association, ...) to string, so this one is a
// comparability cast rather than an assignment.
const pullRequestFixture = pullRequestExample as Schemas['pull-request'];
const labelsFixture: Schemas['label'][] = labelsExample;

const API = 'https://api.github.com/repos/acme/gitops';
const PATH = 'charts/checkout/values-prod.yaml';
const VALUES = `# checkout in prod
image:
  repository: ghcr.io/acme/checkout # pinned
  tag: '1.1.0'   # Argo CD deploys this
replicas: 3
`;

const blobSha = (content: string) =>
  createHash('sha1')
    .update(`blob ${Buffer.byteLength(content)}\0${content}`)
    .digest('hex');
/** Base64 wrapped at 60 characters, as GitHub sends file contents. */
const githubBase64 = (content: string) =>
  `${Buffer.from(content).toString('base64').replace(/.{60}/g, '$&\n')}\n`;

/** A small fake of one GitHub repository: branches, files per branch, pull requests. */
class FakeRepository {
  branches = new Map<string, string>([['main', 'c0ffee'.padEnd(40, '0')]]);
  files = new Map<string, Map<string, string>>([
    ['main', new Map([[PATH, VALUES]])],
  ]);
  pulls: Array<{
    number: number;
    head: string;
    base: string;
    title: string;
    body: string;
    state: string;
    merged: boolean;
  }> = [];
  labels: string[] = [];
  autoMerge: string[] = [];
  writes: Array<{ branch: string; message: string }> = [];
  authorization: string[] = [];
  commits = 0;
  /** Runs between a read of the file and the next write: a concurrent edit. */
  beforeWrite?: () => void;

  private branchOf(ref: string) {
    for (const [branch, sha] of this.branches) {
      if (sha === ref || branch === ref) return branch;
    }
    return undefined;
  }

  handlers() {
    return [
      http.all(`${API}/*`, ({ request }) => {
        this.authorization.push(request.headers.get('authorization') ?? '');
        return undefined;
      }),
      http.get(API, () =>
        HttpResponse.json({ ...repositoryFixture, default_branch: 'main' }),
      ),
      http.get(`${API}/git/ref/*`, ({ params }) => {
        const branch = String(params[0]).replace(/^heads\//, '');
        const sha = this.branches.get(
          decodeURIComponent(branch).replace(/^heads\//, ''),
        );
        return sha
          ? HttpResponse.json({
              ...gitRefFixture,
              ref: `refs/heads/${branch}`,
              object: { ...gitRefFixture.object, sha },
            })
          : HttpResponse.json({ message: 'Not Found' }, { status: 404 });
      }),
      http.post(`${API}/git/refs`, async ({ request }) => {
        const { ref, sha } = (await request.json()) as {
          ref: string;
          sha: string;
        };
        const branch = ref.replace('refs/heads/', '');
        this.branches.set(branch, sha);
        this.files.set(branch, new Map(this.files.get(this.branchOf(sha)!)));
        return HttpResponse.json(
          { ...gitRefFixture, ref, object: { ...gitRefFixture.object, sha } },
          { status: 201 },
        );
      }),
      http.get(`${API}/contents/*`, ({ params, request }) => {
        const path = decodeURIComponent(String(params[0]));
        const ref = new URL(request.url).searchParams.get('ref') ?? 'main';
        const content = this.files.get(this.branchOf(ref)!)?.get(path);
        if (content === undefined) {
          return HttpResponse.json(
            {
              message: 'Not Found',
              documentation_url:
                'https://docs.github.com/rest/repos/contents#get-repository-content',
              status: '404',
            },
            { status: 404 },
          );
        }
        return HttpResponse.json({
          ...contentFileFixture,
          path,
          name: path.split('/').pop(),
          content: githubBase64(content),
          sha: blobSha(content),
          size: Buffer.byteLength(content),
        });
      }),
      http.put(`${API}/contents/*`, async ({ params, request }) => {
        this.beforeWrite?.();
        this.beforeWrite = undefined;
        const path = decodeURIComponent(String(params[0]));
        const body = (await request.json()) as {
          content: string;
          sha: string;
          branch: string;
          message: string;
        };
        const files = this.files.get(body.branch)!;
        const current = files.get(path)!;
        if (blobSha(current) !== body.sha) {
          return HttpResponse.json(
            {
              message: `${path} does not match ${body.sha}`,
              documentation_url:
                'https://docs.github.com/rest/repos/contents#create-or-update-file-contents',
              status: '409',
            },
            { status: 409 },
          );
        }
        files.set(path, Buffer.from(body.content, 'base64').toString('utf8'));
        this.commits += 1;
        const sha = `${this.commits}`.padStart(40, 'a');
        this.branches.set(body.branch, sha);
        this.writes.push({ branch: body.branch, message: body.message });
        return HttpResponse.json({
          ...fileCommitFixture,
          commit: {
            ...fileCommitFixture.commit,
            sha,
            html_url: `https://github.com/acme/gitops/commit/${sha}`,
          },
        });
      }),
      http.post(`${API}/pulls`, async ({ request }) => {
        const body = (await request.json()) as {
          head: string;
          base: string;
          title: string;
          body: string;
        };
        const number = 42 + this.pulls.length;
        this.pulls.push({ number, ...body, state: 'open', merged: false });
        return HttpResponse.json(
          {
            ...pullRequestFixture,
            number,
            title: body.title,
            body: body.body,
            node_id: `PR_node${number}`,
            html_url: `https://github.com/acme/gitops/pull/${number}`,
          },
          { status: 201 },
        );
      }),
      http.get(`${API}/pulls/:number`, ({ params }) => {
        const pull = this.pulls.find(p => p.number === Number(params.number))!;
        return HttpResponse.json({
          ...pullRequestFixture,
          number: pull.number,
          state: pull.state,
          merged: pull.merged,
          merge_commit_sha: pull.merged ? 'b'.repeat(40) : null,
          html_url: `https://github.com/acme/gitops/pull/${pull.number}`,
        });
      }),
      http.post(`${API}/issues/:number/labels`, async ({ request }) => {
        const { labels } = (await request.json()) as { labels: string[] };
        this.labels.push(...labels);
        return HttpResponse.json(
          labels.map((name, i) => ({ ...labelsFixture[0], id: i + 1, name })),
        );
      }),
      http.post('https://api.github.com/graphql', async ({ request }) => {
        const { variables } = (await request.json()) as {
          variables: { id: string };
        };
        this.autoMerge.push(variables.id);
        return HttpResponse.json({
          data: { enablePullRequestAutoMerge: { clientMutationId: null } },
        });
      }),
    ];
  }
}

const server = setupServer();
registerMswTestHooks(server);

const request = promotionChangeRequest;

const integrations = ScmIntegrations.fromConfig(
  new ConfigReader({
    integrations: {
      github: [
        { host: 'github.com', token: 'ghp_shiplogtest' },
        {
          host: 'ghe.acme.example',
          apiBaseUrl: 'https://ghe.acme.example/api/v3',
        },
      ],
    },
  }),
);
const logger = mockServices.logger.mock();
const executor = new GithubPromotionExecutor({
  integrations,
  credentialsProvider:
    DefaultGithubCredentialsProvider.fromIntegrations(integrations),
  logger,
});

describe('GithubPromotionExecutor', () => {
  let github: FakeRepository;

  beforeEach(() => {
    github = new FakeRepository();
    server.use(...github.handlers());
  });

  it('handles repositories on hosts in integrations.github only', () => {
    expect(executor.supports('https://github.com/acme/gitops')).toBe(true);
    expect(executor.supports('https://ghe.acme.example/acme/gitops.git')).toBe(
      true,
    );
    expect(executor.supports('https://gitlab.com/acme/gitops')).toBe(false);
    expect(executor.supports('git://localhost:7011/gitops.git')).toBe(false);
    // SSH and scp-style URLs of an integration host go through the API too, not around it.
    expect(executor.supports('git@github.com:acme/gitops.git')).toBe(true);
    expect(executor.supports('ssh://git@github.com/acme/gitops.git')).toBe(
      true,
    );
    expect(executor.supports('git@gitlab.com:acme/gitops.git')).toBe(false);
    expect(toHttpsUrl('git@github.com:acme/gitops.git')).toBe(
      'https://github.com/acme/gitops.git',
    );
  });

  it('opens a pull request from a fresh branch with the one-line change, the changelog, labels and auto-merge', async () => {
    const result = await executor.apply(request());
    expect(result).toEqual({
      kind: 'pull-request',
      state: 'opened',
      previousValue: '1.1.0',
      url: 'https://github.com/acme/gitops/pull/42',
      number: 42,
      branch: 'shiplog/promote-checkout-prod-p1',
      commitSha: `${'a'.repeat(39)}1`,
    });
    expect(
      github.files.get('shiplog/promote-checkout-prod-p1')!.get(PATH),
    ).toBe(VALUES.replace("tag: '1.1.0'", "tag: '1.2.0'"));
    expect(github.files.get('main')!.get(PATH)).toBe(VALUES);
    expect(github.pulls).toEqual([
      expect.objectContaining({
        head: 'shiplog/promote-checkout-prod-p1',
        base: 'main',
        title: 'Promote checkout 1.2.0 to prod',
        body: '## Changelog\n- feat: cart (#7)',
      }),
    ]);
    expect(github.labels).toEqual(['shiplog-promotion', 'promote-to-prod']);
    expect(github.autoMerge).toEqual(['PR_node42']);
    expect(new Set(github.authorization)).toEqual(
      new Set(['token ghp_shiplogtest']),
    );
  });

  it('commits directly to the default branch where the policy says so', async () => {
    const result = await executor.apply(request({ kind: 'commit' }));
    expect(result).toMatchObject({
      kind: 'commit',
      state: 'merged',
      branch: 'main',
      previousValue: '1.1.0',
      url: `https://github.com/acme/gitops/commit/${'a'.repeat(39)}1`,
    });
    expect(github.files.get('main')!.get(PATH)).toContain(
      "tag: '1.2.0'   # Argo CD deploys this",
    );
    expect(github.writes).toEqual([
      {
        branch: 'main',
        message:
          'Promote checkout 1.2.0 to prod\n\n## Changelog\n- feat: cart (#7)',
      },
    ]);
    expect(github.pulls).toEqual([]);
  });

  it('answers a conflict, never a clobber, when the file changes between the read and the write', async () => {
    github.beforeWrite = () =>
      github.files
        .get('main')!
        .set(PATH, VALUES.replace('replicas: 3', 'replicas: 5'));
    await expect(
      executor.apply(request({ kind: 'commit' })),
    ).rejects.toMatchObject({
      name: 'ConflictError',
      message: expect.stringContaining(
        'changed in acme/gitops while Shiplog edited it',
      ),
    });
    expect(github.files.get('main')!.get(PATH)).toContain("tag: '1.1.0'");
    expect(github.files.get('main')!.get(PATH)).toContain('replicas: 5');
  });

  it('refuses a missing key or file and writes nothing', async () => {
    await expect(
      executor.apply(request({ keyPath: 'image.digest' })),
    ).rejects.toMatchObject({
      name: 'YamlEditError',
    });
    await expect(
      executor.apply(request({ path: 'charts/nope/values-prod.yaml' })),
    ).rejects.toThrow(
      'the values file charts/nope/values-prod.yaml does not exist in acme/gitops',
    );
    expect(github.writes).toEqual([]);
    expect(github.branches.size).toBe(1);
  });

  it('keeps the pull request when the repository does not allow auto-merge', async () => {
    server.use(
      http.post('https://api.github.com/graphql', () =>
        HttpResponse.json({
          data: { enablePullRequestAutoMerge: null },
          errors: [
            {
              type: 'UNPROCESSABLE',
              message:
                'Pull request Auto merge is not allowed for this repository',
            },
          ],
        }),
      ),
    );
    await expect(executor.apply(request())).resolves.toMatchObject({
      state: 'opened',
      number: 42,
    });
    expect(logger.warn).toHaveBeenCalledWith(
      expect.stringContaining(
        'Could not enable auto-merge on https://github.com/acme/gitops/pull/42',
      ),
    );
  });

  it('follows the pull request: open, merged (with its merge commit), closed', async () => {
    await executor.apply(request());
    const change = { repository: 'https://github.com/acme/gitops', number: 42 };
    await expect(executor.getChangeStatus(change)).resolves.toEqual({
      state: 'open',
      url: 'https://github.com/acme/gitops/pull/42',
    });
    github.pulls[0].merged = true;
    github.pulls[0].state = 'closed';
    await expect(executor.getChangeStatus(change)).resolves.toEqual({
      state: 'merged',
      commitSha: 'b'.repeat(40),
      url: 'https://github.com/acme/gitops/pull/42',
    });
    github.pulls[0].merged = false;
    await expect(executor.getChangeStatus(change)).resolves.toMatchObject({
      state: 'closed',
    });
  });
});
