import { permissionApiRef } from '@backstage/plugin-permission-react';
import {
  MockPermissionApi,
  renderInTestApp,
  TestApiProvider,
} from '@backstage/test-utils';
import { Promotion, PromotionPreview } from '@shiplog/plugin-shiplog-common';
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { ShiplogApi, shiplogApiRef } from '../../api/ShiplogApi';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { EntityShiplogContent } from '../EntityShiplogContent';
import { PromoteDialog } from './PromoteDialog';
import { PromotionList } from '../PromotionList';

// Rendering Material UI dialogs and tables is slow when CI runs every suite in parallel on two cores.

const entityRef = { kind: 'component', namespace: 'default', name: 'checkout' };

const change = {
  executor: 'github',
  kind: 'pull-request' as const,
  repository: 'https://github.com/acme/gitops',
  path: 'charts/checkout/values-prod.yaml',
  keyPath: 'image.tag',
};

const preview = (
  overrides: Partial<PromotionPreview> = {},
): PromotionPreview => ({
  entityRef: 'component:default/checkout',
  environment: 'prod',
  version: '2.4.0',
  fromVersion: '2.1.0',
  allowed: true,
  canProceed: true,
  guards: [
    {
      guard: 'version-published',
      outcome: 'pass',
      message: '2.4.0 was published as ghcr.io/acme/checkout:2.4.0',
    },
    {
      guard: 'no-downgrade',
      outcome: 'pass',
      message: '2.4.0 is newer than 2.1.0',
    },
    {
      guard: 'environment-order',
      outcome: 'pass',
      message: '2.4.0 deployed successfully to stage',
    },
    {
      guard: 'no-deploy-label',
      outcome: 'warn',
      message: '#7 (feat: new tax engine) is labelled no-deploy-to-prod',
      howToProceed:
        'Check with the authors that the change may go there before you confirm',
    },
    { guard: 'version-jump', outcome: 'pass', message: '2.4.0 follows 2.3.0' },
  ],
  change: { ...change, autoMerge: false },
  changelog: {
    commits: [],
    pullRequests: [{ number: 7, labels: ['no-deploy-to-prod'] }],
    releases: ['2.2.0', '2.3.0', '2.4.0'],
    groups: [
      {
        type: 'feat',
        title: 'Features',
        commits: [
          {
            sha: 'abcdef1234567',
            message: 'feat: new tax engine (#7)',
            pullRequest: { number: 7, labels: ['no-deploy-to-prod'] },
          },
        ],
      },
      {
        type: 'fix',
        title: 'Bug fixes',
        commits: [{ sha: 'bcdef12345678', message: 'fix: rounding (#8)' }],
      },
    ],
  },
  ...overrides,
});

const promotion = (overrides: Partial<Promotion> = {}): Promotion => ({
  id: 'p1',
  entityRef: 'component:default/checkout',
  environment: 'prod',
  version: '2.4.0',
  fromVersion: '2.1.0',
  state: 'change_opened',
  rollback: false,
  automatic: false,
  requestedBy: 'user:default/guest',
  requestedAt: '2026-01-01T00:00:00Z',
  updatedAt: '2026-01-01T00:00:00Z',
  timeline: [{ state: 'requested', at: '2026-01-01T00:00:00Z' }],
  guards: [],
  change: {
    ...change,
    number: 42,
    url: 'https://github.com/acme/gitops/pull/42',
  },
  ...overrides,
});

function mockApi(overrides: Partial<ShiplogApi> = {}): jest.Mocked<ShiplogApi> {
  return {
    getEnvironments: jest.fn(),
    getReleases: jest.fn(),
    getDeployments: jest.fn(),
    getChangelog: jest.fn(),
    previewPromotion: jest.fn(async () => preview()),
    createPromotion: jest.fn(async () => promotion()),
    getPromotions: jest.fn(async () => ({ items: [] })),
    ...overrides,
  } as jest.Mocked<ShiplogApi>;
}

async function renderDialog(api: ShiplogApi, onPromoted = jest.fn()) {
  await renderInTestApp(
    <TestApiProvider apis={[[shiplogApiRef, api]]}>
      <PromoteDialog
        open
        entityRef={entityRef}
        environment="prod"
        versions={['2.4.0', '2.3.0', '2.1.0']}
        defaultVersion="2.4.0"
        onClose={jest.fn()}
        onPromoted={onPromoted}
      />
    </TestApiProvider>,
  );
  return onPromoted;
}

const confirmButton = () =>
  screen.getByRole('button', { name: /Promote 2\.4\.0 to prod/ });

describe('PromoteDialog', () => {
  it("shows the changelog and every guard's verdict before confirming, then promotes", async () => {
    const api = mockApi();
    const onPromoted = await renderDialog(api);
    expect(
      await screen.findByText(
        'No-deploy labels: #7 (feat: new tax engine) is labelled no-deploy-to-prod',
      ),
    ).toBeInTheDocument();
    expect(api.previewPromotion).toHaveBeenCalledWith(entityRef, {
      version: '2.4.0',
      environment: 'prod',
      rollback: false,
    });
    for (const guard of [
      'version-published',
      'no-downgrade',
      'environment-order',
      'no-deploy-label',
      'version-jump',
    ]) {
      expect(screen.getByTestId(`guard-${guard}`)).toBeInTheDocument();
    }
    expect(
      within(screen.getByTestId('guard-no-deploy-label')).getByTitle('warning'),
    ).toBeInTheDocument();
    expect(
      screen.getByText(
        'Check with the authors that the change may go there before you confirm',
      ),
    ).toBeInTheDocument();
    expect(
      screen.getByText('Changelog: 3 releases, 0 commits, 1 pull request'),
    ).toBeInTheDocument();
    expect(screen.getByText('Features')).toBeInTheDocument();
    expect(screen.getByText('Bug fixes')).toBeInTheDocument();
    expect(document.body.textContent).toContain(
      'Opens a pull request on https://github.com/acme/gitops',
    );
    fireEvent.click(confirmButton());
    await waitFor(() => expect(onPromoted).toHaveBeenCalledWith(promotion()));
    expect(api.createPromotion).toHaveBeenCalledWith(entityRef, {
      version: '2.4.0',
      environment: 'prod',
      rollback: false,
      reason: undefined,
    });
  });

  it('cannot be confirmed when a guard refuses, and says how to proceed', async () => {
    const api = mockApi({
      previewPromotion: jest.fn(async () =>
        preview({
          canProceed: false,
          guards: [
            {
              guard: 'no-downgrade',
              outcome: 'refuse',
              message: 'prod runs 2.5.0, newer than 2.4.0',
              howToProceed:
                'To roll back, promote again with rollback: true and a reason',
            },
          ],
        }),
      ),
    });
    await renderDialog(api);
    expect(
      await screen.findByText(
        'No downgrade: prod runs 2.5.0, newer than 2.4.0',
      ),
    ).toBeInTheDocument();
    expect(
      within(screen.getByTestId('guard-no-downgrade')).getByTitle('refused'),
    ).toBeInTheDocument();
    expect(confirmButton()).toBeDisabled();
  });

  it('asks for a reason before a rollback, and previews it as one', async () => {
    const api = mockApi();
    await renderDialog(api);
    await screen.findByTestId('guard-no-downgrade');
    fireEvent.click(screen.getByLabelText('Rollback (allow an older version)'));
    await waitFor(() =>
      expect(api.previewPromotion).toHaveBeenLastCalledWith(entityRef, {
        version: '2.4.0',
        environment: 'prod',
        rollback: true,
      }),
    );
    const rollbackButton = await screen.findByRole('button', {
      name: /Roll back 2\.4\.0 to prod/,
    });
    expect(rollbackButton).toBeDisabled();
    fireEvent.change(
      screen.getByLabelText('Reason (required for a rollback)'),
      { target: { value: '2.5.0 breaks payments' } },
    );
    await waitFor(() => expect(rollbackButton).toBeEnabled());
    fireEvent.click(rollbackButton);
    await waitFor(() =>
      expect(api.createPromotion).toHaveBeenCalledWith(
        entityRef,
        expect.objectContaining({
          rollback: true,
          reason: '2.5.0 breaks payments',
        }),
      ),
    );
  });

  it('says when the permission policy, a promotion in flight or a missing annotation stands in the way', async () => {
    const api = mockApi({
      previewPromotion: jest.fn(async () =>
        preview({
          allowed: false,
          canProceed: false,
          inFlight: { id: 'p0', version: '2.3.0', state: 'merged' },
          change: undefined,
          changeProblem:
            'checkout has no shiplog.dev/gitops-repo annotation: add it',
        }),
      ),
    });
    await renderDialog(api);
    expect(
      await screen.findByText(/You may not promote to prod/),
    ).toBeInTheDocument();
    expect(
      screen.getByText(/Promotion of 2.3.0 to prod is in flight \(merged\)/),
    ).toBeInTheDocument();
    expect(
      screen.getByText(
        'checkout has no shiplog.dev/gitops-repo annotation: add it',
      ),
    ).toBeInTheDocument();
    expect(confirmButton()).toBeDisabled();
  });

  it('shows why the backend refused the promotion', async () => {
    const api = mockApi({
      createPromotion: jest.fn(async () => {
        throw new Error(
          'promotion p0 of 2.3.0 to prod is in flight (merged, requested by user:default/jane)',
        );
      }),
    });
    await renderDialog(api);
    await screen.findByTestId('guard-no-downgrade');
    fireEvent.click(confirmButton());
    expect(
      await screen.findByText(/promotion p0 of 2.3.0 to prod is in flight/),
    ).toBeInTheDocument();
  });
});

describe('PromotionList', () => {
  it("tracks each promotion's state with links to the pull request and the sync", async () => {
    const api = mockApi({
      getPromotions: jest.fn(async () => ({
        items: [
          promotion({
            state: 'deployed',
            deployment: {
              status: 'succeeded',
              at: '2026-01-01T01:00:00Z',
              runUrl: 'https://argocd.example/applications/checkout-prod',
            },
          }),
          promotion({
            id: 'p2',
            version: '2.3.0',
            environment: 'qa',
            state: 'failed',
            automatic: true,
            requestedBy: 'shiplog',
            error: 'the deployment of 2.3.0 to qa failed',
            change: {
              ...change,
              executor: 'git',
              kind: 'commit',
              repository: 'git://localhost:7011/gitops.git',
              commitSha: 'c0ffee1234567890',
            },
          }),
        ],
      })),
    });
    await renderInTestApp(
      <TestApiProvider apis={[[shiplogApiRef, api]]}>
        <PromotionList entityRef={entityRef} />
      </TestApiProvider>,
    );
    expect(await screen.findByText('Deployed')).toBeInTheDocument();
    expect(screen.getByText('pull request #42').closest('a')).toHaveAttribute(
      'href',
      'https://github.com/acme/gitops/pull/42',
    );
    expect(screen.getByText('sync').closest('a')).toHaveAttribute(
      'href',
      'https://argocd.example/applications/checkout-prod',
    );
    expect(screen.getByText('Failed')).toBeInTheDocument();
    expect(
      screen.getByText('the deployment of 2.3.0 to qa failed'),
    ).toBeInTheDocument();
    expect(screen.getByText(/by auto-promotion/)).toBeInTheDocument();
    expect(screen.getByText('commit c0ffee1')).toBeInTheDocument();
  });
});

describe('Promote on the environment matrix', () => {
  it('opens the dialog for the environment, offering what the environment before it runs, and lists the new promotion', async () => {
    const policy = {
      autoPromote: false,
      requiresApproval: false,
      sync: 'automatic' as const,
      change: 'pull-request' as const,
    };
    const drift = {
      releasesBehind: 0,
      commitsBehind: 0,
      aheadOfPrevious: false,
    };
    const running = (version: string) => ({
      deploymentId: version,
      version,
      status: 'succeeded' as const,
      at: '2026-01-01T00:00:00Z',
      rollback: false,
    });
    const getPromotions = jest
      .fn()
      .mockResolvedValueOnce({ items: [] })
      .mockResolvedValue({ items: [promotion()] });
    const api = mockApi({
      getEnvironments: jest.fn(async () => ({
        entityRef: 'component:default/checkout',
        environments: [
          {
            name: 'stage',
            policy,
            status: 'succeeded' as const,
            current: running('2.4.0'),
            drift,
          },
          {
            name: 'prod',
            policy,
            status: 'succeeded' as const,
            current: running('2.1.0'),
            drift,
          },
        ],
        undeployed: { commitCount: 0, commits: [] },
      })),
      getReleases: jest.fn(async () => ({
        items: ['2.4.0', '2.1.0'].map(version => ({
          version,
          firstSeenAt: '2026-01-01T00:00:00Z',
          stages: {},
          deployments: {},
          commits: [],
          commitCount: 0,
        })),
      })),
      getDeployments: jest.fn(async () => ({ items: [] })),
      getPromotions,
    });
    await renderInTestApp(
      <TestApiProvider
        apis={[
          [shiplogApiRef, api],
          [permissionApiRef, new MockPermissionApi()],
        ]}
      >
        <EntityProvider
          entity={{
            apiVersion: 'backstage.io/v1alpha1',
            kind: 'Component',
            metadata: { name: 'checkout', namespace: 'default' },
            spec: {},
          }}
        >
          <EntityShiplogContent />
        </EntityProvider>
      </TestApiProvider>,
    );
    // The promotions card renders after the tab's first paint and again as its data comes in (a busy
    // CI run once found the text, then held a node already replaced): wait for the text itself.
    await waitFor(() =>
      expect(
        screen.getByText(
          'No promotions yet: use Promote on an environment above.',
        ),
      ).toBeInTheDocument(),
    );
    const prod = screen.getByTestId('environment-prod');
    // The button appears once the permission decision is in.
    fireEvent.click(
      await within(prod).findByRole('button', { name: 'Promote' }),
    );
    expect(await screen.findByText('Promote to prod')).toBeInTheDocument();
    await waitFor(() =>
      expect(api.previewPromotion).toHaveBeenCalledWith(
        { ...entityRef, kind: 'Component' },
        {
          version: '2.4.0',
          environment: 'prod',
          rollback: false,
        },
      ),
    );
    await screen.findByTestId('guard-no-downgrade');
    fireEvent.click(confirmButton());
    // The whole tab re-renders after the promotion: slow on a busy CI machine, so wait longer.
    expect(
      await screen.findByText('Pull request open', undefined, {
        timeout: 10_000,
      }),
    ).toBeInTheDocument();
  });
});
