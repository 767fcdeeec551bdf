import { ConfigReader } from '@backstage/config';
import { ScmIntegrations } from '@backstage/integration';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { createShiplogDeployLabelsAction } from './githubDeployLabels';

const integrations = ScmIntegrations.fromConfig(
  new ConfigReader({
    integrations: {
      github: [
        { host: 'github.com', token: 'integration-token' },
        {
          host: 'ghe.acme.io',
          apiBaseUrl: 'https://ghe.acme.io/api/v3',
          token: 'ghe-token',
        },
      ],
    },
  }),
);
const action = createShiplogDeployLabelsAction({ integrations });

const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

/** A GitHub labels endpoint holding `existing`, recording what is created and with which token. */
function githubLabels(apiBase: string, existing: string[]) {
  const requests: Array<{ body: Record<string, string>; auth: string | null }> =
    [];
  server.use(
    http.post(`${apiBase}/repos/acme/checkout/labels`, async ({ request }) => {
      const body = (await request.json()) as Record<string, string>;
      requests.push({ body, auth: request.headers.get('authorization') });
      if (existing.includes(body.name)) {
        return HttpResponse.json(
          {
            message: 'Validation Failed',
            errors: [
              { resource: 'Label', code: 'already_exists', field: 'name' },
            ],
          },
          { status: 422 },
        );
      }
      existing.push(body.name);
      return HttpResponse.json({ name: body.name }, { status: 201 });
    }),
  );
  return requests;
}

async function run(input: Record<string, unknown>, isDryRun = false) {
  const ctx = {
    ...createMockActionContext({ input: input as never }),
    isDryRun,
  };
  await action.handler(ctx);
  return Object.fromEntries(
    (ctx.output as jest.Mock).mock.calls.map(([name, value]) => [name, value]),
  );
}

describe('shiplog:github:deploy-labels', () => {
  it('creates one no-deploy-to-<env> label per environment with the integration credentials', async () => {
    const requests = githubLabels('https://api.github.com', []);
    const output = await run({
      repoUrl: 'github.com?owner=acme&repo=checkout',
      environments: ['dev', 'stage', 'prod'],
    });
    expect(output).toEqual({
      labels: ['no-deploy-to-dev', 'no-deploy-to-stage', 'no-deploy-to-prod'],
      created: ['no-deploy-to-dev', 'no-deploy-to-stage', 'no-deploy-to-prod'],
    });
    expect(requests.map(r => r.body)).toEqual([
      expect.objectContaining({ name: 'no-deploy-to-dev', color: 'b60205' }),
      expect.objectContaining({ name: 'no-deploy-to-stage' }),
      expect.objectContaining({ name: 'no-deploy-to-prod' }),
    ]);
    expect(requests[0].body.description).toContain('out of dev');
    expect(new Set(requests.map(r => r.auth))).toEqual(
      new Set(['token integration-token']),
    );
  });

  it('keeps labels that exist, so a retry changes nothing', async () => {
    githubLabels('https://api.github.com', ['no-deploy-to-dev']);
    expect(
      await run({
        repoUrl: 'github.com?owner=acme&repo=checkout',
        environments: ['dev', 'prod'],
      }),
    ).toMatchObject({ created: ['no-deploy-to-prod'] });
  });

  it('uses the API of a GitHub Enterprise host and a token given as input', async () => {
    const requests = githubLabels('https://ghe.acme.io/api/v3', []);
    await run({
      repoUrl: 'ghe.acme.io?owner=acme&repo=checkout',
      environments: ['prod'],
      color: 'd93f0b',
      token: 'user-token',
    });
    expect(requests).toEqual([
      {
        body: expect.objectContaining({
          name: 'no-deploy-to-prod',
          color: 'd93f0b',
        }),
        auth: 'token user-token',
      },
    ]);
  });

  it('fails on any other GitHub error', async () => {
    server.use(
      http.post('https://api.github.com/repos/acme/checkout/labels', () =>
        HttpResponse.json({ message: 'Not Found' }, { status: 404 }),
      ),
    );
    await expect(
      run({
        repoUrl: 'github.com?owner=acme&repo=checkout',
        environments: ['dev'],
      }),
    ).rejects.toThrow('Not Found');
  });

  it('calls nothing in a dry run', async () => {
    // onUnhandledRequest: 'error' fails the test if GitHub is called.
    expect(
      await run(
        {
          repoUrl: 'github.com?owner=acme&repo=checkout',
          environments: ['dev'],
        },
        true,
      ),
    ).toEqual({ labels: ['no-deploy-to-dev'], created: [] });
  });

  it.each([
    [{ environments: ['dev'] }, 'repoUrl: Required'],
    [
      { repoUrl: 'github.com?owner=acme&repo=checkout', environments: [] },
      'environments: Array must contain at least 1 element(s)',
    ],
    [
      {
        repoUrl: 'github.com?owner=acme&repo=checkout',
        environments: ['Prod!'],
      },
      'environments.0: must be a DNS label',
    ],
    [
      { repoUrl: 'gitlab.com?owner=acme&repo=checkout', environments: ['dev'] },
      'gitlab.com',
    ],
  ])('refuses %j', async (input, message) => {
    await expect(run(input)).rejects.toThrow(message);
  });
});
