import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import {
  MockPermissionApi,
  renderInTestApp,
  TestApiProvider,
} from '@backstage/test-utils';
import { ArgoCdApplicationState } from '@shiplog/plugin-shiplog-common';
import { fireEvent, screen, waitFor } from '@testing-library/react';
import { ArgoCdApplicationSummary } from './ArgoCdApplicationSummary';

const prod: ArgoCdApplicationState = {
  instance: 'prod',
  name: 'checkout-prod',
  namespace: 'argocd',
  project: 'shop',
  environment: 'prod',
  url: 'https://argocd.example/applications/argocd/checkout-prod',
  sources: [
    { repoURL: 'https://github.com/acme/gitops', path: 'charts/checkout' },
  ],
  multiSource: false,
  syncPolicy: 'manual',
  sync: { status: 'OutOfSync', revisions: ['9b2f4c1e7d3a5b6c8e0f'] },
  health: { status: 'Degraded', message: 'pods crash' },
  images: ['ghcr.io/acme/checkout:2.3.1'],
  version: '2.3.1',
  history: [],
  revisionMetadata: {
    revision: '9b2f4c1e7d3a5b6c8e0f',
    message: 'promote 2.4.0',
    author: 'ann',
  },
  resources: {
    total: 6,
    byKind: { Deployment: 1, Pod: 2 },
    byHealth: { Healthy: 4, Degraded: 1 },
    unhealthy: [
      {
        kind: 'Pod',
        name: 'checkout-abc',
        health: 'Degraded',
        message: 'CrashLoopBackOff',
      },
    ],
  },
  declared: {
    repository: 'https://github.com/acme/gitops',
    path: 'charts/checkout/values-prod.yaml',
    tag: '2.4.0',
  },
  gitDrift: 'drifted',
  manualSync: true,
};

// usePermission caches decisions per resource, so each test uses its own entity ref.
async function renderSummary(
  allowed: boolean,
  onSync = jest.fn(async () => {}),
  entityRef = 'component:default/checkout',
) {
  await renderInTestApp(
    <TestApiProvider
      apis={[
        [
          permissionApiRef,
          new MockPermissionApi(() =>
            allowed ? AuthorizeResult.ALLOW : AuthorizeResult.DENY,
          ),
        ],
      ]}
    >
      <ArgoCdApplicationSummary
        app={prod}
        entityRef={entityRef}
        onSync={onSync}
      />
    </TestApiProvider>,
  );
  return onSync;
}

describe('ArgoCdApplicationSummary', () => {
  it('shows badges, drift against Git, resources and the unhealthy ones', async () => {
    await renderSummary(true);
    expect(screen.getByText('OutOfSync')).toBeInTheDocument();
    expect(screen.getByText('Degraded')).toBeInTheDocument();
    expect(
      screen.getByText('Git declares 2.4.0, running 2.3.1'),
    ).toBeInTheDocument();
    expect(
      screen.getByText('6 resources: 4 Healthy, 1 Degraded'),
    ).toBeInTheDocument();
    expect(screen.getByText('Pod checkout-abc: Degraded')).toBeInTheDocument();
    expect(screen.getByText('ghcr.io/acme/checkout:2.3.1')).toBeInTheDocument();
    expect(
      screen.getByRole('link', { name: /Open checkout-prod in Argo CD/ }),
    ).toHaveAttribute(
      'href',
      'https://argocd.example/applications/argocd/checkout-prod',
    );
  });

  it('syncs only after confirmation, naming the version Git declares', async () => {
    const onSync = await renderSummary(true);
    fireEvent.click(
      await screen.findByRole('button', { name: 'Sync checkout-prod' }),
    );
    expect(await screen.findByText(/image tag/)).toHaveTextContent(
      'Argo CD instance prod will apply what Git declares for prod: image tag 2.4.0 (now running 2.3.1)',
    );
    expect(onSync).not.toHaveBeenCalled();
    fireEvent.click(screen.getByRole('button', { name: 'Sync now' }));
    await waitFor(() => expect(onSync).toHaveBeenCalledWith(prod));
  });

  it('offers no Sync without the shiplog.argocd.sync permission', async () => {
    await renderSummary(false, undefined, 'component:default/denied');
    expect(screen.getByText('OutOfSync')).toBeInTheDocument();
    await waitFor(() =>
      expect(
        screen.queryByRole('button', { name: 'Sync checkout-prod' }),
      ).not.toBeInTheDocument(),
    );
  });
});
