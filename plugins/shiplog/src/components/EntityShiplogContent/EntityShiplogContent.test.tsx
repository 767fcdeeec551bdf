import { Entity } from '@backstage/catalog-model';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import {
  MockPermissionApi,
  renderInTestApp,
  TestApiProvider,
} from '@backstage/test-utils';
import {
  EnvironmentsResponse,
  Page,
  Release,
  Deployment,
} from '@shiplog/plugin-shiplog-common';
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { ShiplogApi, shiplogApiRef } from '../../api/ShiplogApi';
import { EntityShiplogContent } from './EntityShiplogContent';
import { EntityShiplogOverviewCard } from '../EntityShiplogOverviewCard';

// Rendering Material UI tables is slow when CI runs every suite in parallel on two cores.

const entity = (
  annotations: Record<string, string> = {
    'shiplog.dev/image': 'ghcr.io/acme/checkout',
  },
): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'checkout', namespace: 'default', annotations },
  spec: { type: 'service', owner: 'team', lifecycle: 'production' },
});

const policy = {
  autoPromote: false,
  requiresApproval: false,
  sync: 'automatic' as const,
  change: 'pull-request' as const,
};
const deployed = (version: string, extra: object = {}) => ({
  deploymentId: version,
  version,
  status: 'succeeded' as const,
  at: '2026-01-01T00:00:00Z',
  rollback: false,
  ...extra,
});

const drifting: EnvironmentsResponse = {
  entityRef: 'component:default/checkout',
  environments: [
    {
      name: 'stage',
      policy,
      status: 'succeeded',
      current: deployed('2.4.0'),
      drift: { releasesBehind: 0, commitsBehind: 0, aheadOfPrevious: false },
    },
    {
      name: 'prod',
      policy: { ...policy, sync: 'manual' },
      status: 'failed',
      current: deployed('2.1.0', { rollback: true, actor: 'oncall' }),
      lastAttempt: deployed('2.4.0', { status: 'failed', deploymentId: 'x' }),
      drift: {
        previousEnvironment: 'stage',
        releasesBehind: 3,
        commitsBehind: 27,
        aheadOfPrevious: false,
      },
    },
  ],
  undeployed: {
    commitCount: 12,
    commits: [
      {
        sha: 'abcdef1234',
        message: 'feat: cart',
        pullRequest: { number: 7, labels: ['no-deploy-to-prod'] },
      },
    ],
  },
};

/** The matrix of an entity nothing was ever reported for. */
const nothingReported: EnvironmentsResponse = {
  ...drifting,
  environments: drifting.environments.map(env => ({
    ...env,
    status: 'never_deployed',
    current: undefined,
    lastAttempt: undefined,
  })),
  undeployed: { commitCount: 0, commits: [] },
};

const release = (version: string): Release => ({
  version,
  firstSeenAt: '2026-01-01T00:00:00Z',
  stages: { build: { status: 'succeeded', at: '2026-01-01T00:00:00Z' } },
  deployments: {},
  commits: [],
  commitCount: 0,
});

const deployment = (id: number): Deployment => ({
  id: String(id),
  environment: 'prod',
  version: `1.0.${id}`,
  status: 'succeeded',
  updatedAt: '2026-01-01T00:00:00Z',
  rollback: false,
});

function mockApi(overrides: Partial<ShiplogApi> = {}): jest.Mocked<ShiplogApi> {
  return {
    getEnvironments: jest.fn(async () => drifting),
    getReleases: jest.fn(
      async (): Promise<Page<Release>> => ({
        items: [release('2.4.0'), release('2.1.0')],
      }),
    ),
    getDeployments: jest.fn(async (_e, query) =>
      query?.cursor
        ? { items: [deployment(1)] }
        : { items: [deployment(3), deployment(2)], nextCursor: 'page-2' },
    ),
    getChangelog: jest.fn(async (_e, from, to) => ({
      from,
      to,
      commits: [],
      pullRequests: [],
      releases: [to],
    })),
    getPromotions: jest.fn(async () => ({ items: [] })),
    previewPromotion: jest.fn(),
    createPromotion: jest.fn(),
    ...overrides,
  } as jest.Mocked<ShiplogApi>;
}

async function renderTab(
  api: ShiplogApi,
  forEntity: Entity = entity(),
  permissionApi = new MockPermissionApi(),
) {
  return renderInTestApp(
    <TestApiProvider
      apis={[
        [shiplogApiRef, api],
        [permissionApiRef, permissionApi],
      ]}
    >
      <EntityProvider entity={forEntity}>
        <EntityShiplogContent />
      </EntityProvider>
    </TestApiProvider>,
  );
}

describe('EntityShiplogContent', () => {
  it('shows progress while loading', async () => {
    await renderTab(
      mockApi({
        getEnvironments: jest.fn(
          () => new Promise<EnvironmentsResponse>(() => {}),
        ),
      }),
    );
    expect(screen.getByTestId('progress')).toBeInTheDocument();
  });

  it('shows a backend error inline', async () => {
    await renderTab(
      mockApi({
        getEnvironments: jest.fn(async () => {
          throw new Error('ledger unreachable');
        }),
      }),
    );
    expect(
      (await screen.findAllByText(/ledger unreachable/)).length,
    ).toBeGreaterThan(0);
  });

  it('says what to add when the entity has no annotations and no events', async () => {
    await renderTab(
      mockApi({
        getEnvironments: jest.fn(async () => nothingReported),
        getReleases: jest.fn(async () => ({ items: [] })),
      }),
      entity({}),
    );
    expect(
      await screen.findByText('Shiplog does not know this component yet'),
    ).toBeInTheDocument();
    // Code snippets are split into highlighted tokens: check the rendered text as a whole.
    expect(document.body.textContent).toContain(
      'shiplog.dev/image: ghcr.io/acme/checkout',
    );
    expect(document.body.textContent).toContain('/api/shiplog/v1/events');
  });

  it('asks for the CI step when the entity is annotated but nothing was reported', async () => {
    await renderTab(
      mockApi({
        getEnvironments: jest.fn(async () => nothingReported),
        getReleases: jest.fn(async () => ({ items: [] })),
      }),
    );
    expect(
      await screen.findByText('No release events yet'),
    ).toBeInTheDocument();
    expect(document.body.textContent).not.toContain(
      'shiplog.dev/image: ghcr.io/acme/checkout',
    );
    expect(document.body.textContent).toContain('/api/shiplog/v1/events');
  });

  it('loads older releases with the cursor of the first page', async () => {
    const getReleases = jest.fn(
      async (_e: unknown, options?: { cursor?: string }) =>
        options?.cursor === 'older'
          ? { items: [release('1.0.0')] }
          : {
              items: [release('2.4.0'), release('2.1.0')],
              nextCursor: 'older',
            },
    );
    await renderTab(mockApi({ getReleases }));
    fireEvent.click(
      await screen.findByRole('button', { name: 'Older releases' }),
    );
    expect(await screen.findByText('1.0.0')).toBeInTheDocument();
    expect(getReleases).toHaveBeenLastCalledWith(
      expect.anything(),
      expect.objectContaining({ cursor: 'older' }),
    );
    await waitFor(() =>
      expect(
        screen.queryByRole('button', { name: 'Older releases' }),
      ).not.toBeInTheDocument(),
    );
  });

  it('makes drift, a failed last deploy, a rollback and undeployed work obvious', async () => {
    await renderTab(mockApi());
    expect(
      await screen.findByText('prod is 3 releases / 27 commits behind stage'),
    ).toBeInTheDocument();
    expect(
      screen.getByText('12 commits merged but not deployed anywhere'),
    ).toBeInTheDocument();
    expect(screen.getByText(/Last attempt: 2.4.0 failed/)).toBeInTheDocument();
    expect(screen.getByText('rolled back')).toBeInTheDocument();
    expect(screen.getAllByText('no-deploy-to-prod').length).toBeGreaterThan(0);
  });

  it('pages through the deployment history with the API cursor', async () => {
    const api = mockApi();
    await renderTab(api);
    expect(await screen.findByText('1.0.3')).toBeInTheDocument();
    fireEvent.click(screen.getByRole('button', { name: 'Older' }));
    expect(await screen.findByText('1.0.1')).toBeInTheDocument();
    expect(api.getDeployments).toHaveBeenLastCalledWith(
      expect.anything(),
      expect.objectContaining({ cursor: 'page-2' }),
    );
    fireEvent.click(screen.getByRole('button', { name: 'Newer' }));
    await waitFor(() => expect(screen.getByText('1.0.3')).toBeInTheDocument());
  });
});

describe('Promote on the Deployments tab', () => {
  // usePermission caches decisions per resource, so each test uses its own entity.
  const named = (name: string): Entity => ({
    ...entity(),
    metadata: { ...entity().metadata, name },
  });

  it('offers Promote on each environment with shiplog.promotion.create', async () => {
    const permissionApi = new MockPermissionApi();
    const authorize = jest.spyOn(permissionApi, 'authorize');
    await renderTab(mockApi(), named('allowed'), permissionApi);
    const prod = await screen.findByTestId('environment-prod');
    expect(
      await within(prod).findByRole('button', { name: 'Promote' }),
    ).toBeInTheDocument();
    expect(authorize).toHaveBeenCalledWith(
      expect.objectContaining({
        permission: expect.objectContaining({
          name: 'shiplog.promotion.create',
        }),
        resourceRef: 'component:default/allowed@prod',
      }),
    );
  });

  it('offers no Promote without shiplog.promotion.create', async () => {
    const permissionApi = new MockPermissionApi(() => AuthorizeResult.DENY);
    const authorize = jest.spyOn(permissionApi, 'authorize');
    await renderTab(mockApi(), named('denied'), permissionApi);
    const prod = await screen.findByTestId('environment-prod');
    await waitFor(() => expect(authorize).toHaveBeenCalled());
    expect(screen.getByText('rolled back')).toBeInTheDocument();
    await waitFor(() =>
      expect(
        within(prod).queryByRole('button', { name: 'Promote' }),
      ).not.toBeInTheDocument(),
    );
    expect(
      screen.queryByRole('button', { name: 'Promote' }),
    ).not.toBeInTheDocument();
  });
});

describe('EntityShiplogOverviewCard', () => {
  it('shows the matrix compactly with drift', async () => {
    await renderInTestApp(
      <TestApiProvider apis={[[shiplogApiRef, mockApi()]]}>
        <EntityProvider entity={entity()}>
          <EntityShiplogOverviewCard />
        </EntityProvider>
      </TestApiProvider>,
    );
    expect(
      await screen.findByText('prod is 3 releases / 27 commits behind stage'),
    ).toBeInTheDocument();
    expect(screen.getByText('2.1.0')).toBeInTheDocument();
  });
});
