import { Entity } from '@backstage/catalog-model';
import {
  EntityProvider,
  entityRouteRef,
} from '@backstage/plugin-catalog-react';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { DoraResponse, RollupResponse } from '@shiplog/plugin-shiplog-common';
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { ShiplogApi, shiplogApiRef } from '../../api/ShiplogApi';
import { OrgDeploymentsCard } from '../OrgDeploymentsCard';
import { OrgDeploymentsContent } from './OrgDeploymentsContent';

const system: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'System',
  metadata: { name: 'shop', namespace: 'default' },
  spec: { owner: 'team-shop' },
};

const ROLLUP: RollupResponse = {
  environments: ['dev', 'prod'],
  components: [
    {
      entityRef: 'component:default/cart',
      environments: {
        dev: {
          version: '2.0.0',
          status: 'succeeded',
          since: '2026-11-03T00:00:00Z',
        },
        prod: { status: 'failed' },
      },
      undeployedCommits: 0,
      failing: true,
    },
    {
      entityRef: 'component:default/checkout',
      title: 'Checkout',
      environments: {
        dev: {
          version: '1.2.0',
          status: 'succeeded',
          since: '2026-11-05T00:00:00Z',
        },
        prod: {
          version: '1.0.0',
          status: 'succeeded',
          since: '2026-11-03T00:00:00Z',
          behindReleases: 2,
          behindCommits: 3,
        },
      },
      undeployedCommits: 4,
      failing: false,
    },
    {
      entityRef: 'component:default/search',
      environments: {
        dev: {
          version: '3.0.0',
          status: 'succeeded',
          since: '2026-11-03T00:00:00Z',
        },
        prod: {
          version: '3.0.0',
          status: 'succeeded',
          since: '2026-11-04T00:00:00Z',
        },
      },
      undeployedCommits: 0,
      failing: false,
    },
  ],
};

const DORA: DoraResponse = {
  from: '2026-09-04T00:00:00.000Z',
  to: '2026-12-03T00:00:00.000Z',
  environment: 'prod',
  components: 3,
  deploymentFrequency: { deployments: 45, perDay: 0.5 },
  leadTime: { medianSeconds: 7200, samples: 80 },
  changeFailRate: { failed: 3, total: 48, ratio: 3 / 48 },
  recoveryTime: { medianSeconds: 1800, samples: 3 },
  reworkRate: { unplanned: 0, total: 48, ratio: 0 },
  weekly: [
    {
      weekStart: '2026-11-23T00:00:00.000Z',
      deployments: 4,
      leadTimeMedianSeconds: 3600,
      changeFailRate: 0,
    },
  ],
};

const api = {
  getRollup: jest.fn(async () => ROLLUP),
  getDora: jest.fn(async () => DORA),
} as unknown as ShiplogApi;

const render = (element: JSX.Element) =>
  renderInTestApp(
    <TestApiProvider apis={[[shiplogApiRef, api]]}>
      <EntityProvider entity={system}>{element}</EntityProvider>
    </TestApiProvider>,
    { mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef } },
  );

const componentColumn = () =>
  screen
    .getAllByRole('row')
    .slice(1)
    .map(
      row =>
        within(row).getAllByRole('cell')[0].querySelector('a')?.textContent,
    );

describe('OrgDeploymentsContent', () => {
  it('lists components × environments, the most behind first, each linking to its own tab', async () => {
    await render(<OrgDeploymentsContent />);
    expect(await screen.findByText('Checkout')).toBeInTheDocument();
    expect(componentColumn()).toEqual(['Checkout', 'cart', 'search']);
    expect(screen.getByText('Checkout').closest('a')).toHaveAttribute(
      'href',
      '/catalog/default/component/checkout/deployments',
    );
    expect(screen.getByText('2 releases behind')).toBeInTheDocument();
    expect(screen.getByText('4 commits undeployed')).toBeInTheDocument();
    expect(screen.getByText('failing')).toBeInTheDocument();
  });

  it('sorts failing first and filters by name and by failure', async () => {
    await render(<OrgDeploymentsContent />);
    await screen.findByText('Checkout');
    fireEvent.mouseDown(screen.getByLabelText('Sort'));
    fireEvent.click(await screen.findByText('Failing first'));
    expect(componentColumn()).toEqual(['cart', 'Checkout', 'search']);
    fireEvent.click(screen.getByLabelText('Failing only'));
    expect(componentColumn()).toEqual(['cart']);
    fireEvent.click(screen.getByLabelText('Failing only'));
    fireEvent.change(screen.getByLabelText('Filter components'), {
      target: { value: 'sea' },
    });
    expect(componentColumn()).toEqual(['search']);
  });

  it('shows a large group a page at a time, back to the first page on a new filter', async () => {
    const many: RollupResponse = {
      environments: ['prod'],
      components: Array.from({ length: 60 }, (_, i) => ({
        entityRef: `component:default/svc-${String(i).padStart(2, '0')}`,
        environments: { prod: { version: '1.0.0', status: 'succeeded' } },
        undeployedCommits: 0,
        failing: false,
      })),
    };
    jest.mocked(api.getRollup).mockResolvedValueOnce(many);
    await render(<OrgDeploymentsContent />);
    expect(await screen.findByText('svc-00')).toBeInTheDocument();
    expect(componentColumn()).toHaveLength(50);
    expect(screen.getByText('1-50 of 60')).toBeInTheDocument();
    fireEvent.click(screen.getByLabelText('Next page'));
    expect(componentColumn()).toHaveLength(10);
    expect(componentColumn()[0]).toBe('svc-50');
    fireEvent.change(screen.getByLabelText('Filter components'), {
      target: { value: 'svc-1' },
    });
    expect(componentColumn()).toHaveLength(10);
    expect(componentColumn()[0]).toBe('svc-10');
  });

  it('shows each DORA metric with its performance level and the report it comes from', async () => {
    await render(<OrgDeploymentsContent />);
    expect(await screen.findByText('0.50 per day')).toBeInTheDocument();
    expect(screen.getByText('2.0 h')).toBeInTheDocument();
    expect(screen.getByText('6.3%')).toBeInTheDocument();
    expect(screen.getByText('30 min')).toBeInTheDocument();
    // Frequency (weekly or more) and change fail rate (≤ 10%) high; lead time (< a day) and recovery (< an hour) elite.
    expect(screen.getAllByText('High')).toHaveLength(2);
    expect(screen.getAllByText('Elite')).toHaveLength(2);
    expect(
      screen.getByText('Accelerate State of DevOps Report 2024'),
    ).toBeInTheDocument();
  });
});

describe('the rollup fetched moments before', () => {
  it("shows while the tab's own fetch runs, then gives way to it", async () => {
    const getRollup = jest.fn(async () => ROLLUP);
    const slow = {
      getRollup,
      getDora: jest.fn(async () => DORA),
    } as unknown as ShiplogApi;
    const renderWith = (element: JSX.Element) =>
      renderInTestApp(
        <TestApiProvider apis={[[shiplogApiRef, slow]]}>
          <EntityProvider entity={system}>{element}</EntityProvider>
        </TestApiProvider>,
        {
          mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
        },
      );
    const card = await renderWith(<OrgDeploymentsCard />);
    expect(await screen.findByText('Needs attention')).toBeInTheDocument();
    card.unmount();

    let answer: (rollup: RollupResponse) => void = () => {};
    getRollup.mockImplementationOnce(
      () => new Promise<RollupResponse>(resolve => (answer = resolve)),
    );
    await renderWith(<OrgDeploymentsContent />);
    // The card's rollup, at once, while the tab's request is still out.
    expect(componentColumn()).toEqual(['Checkout', 'cart', 'search']);
    answer({ ...ROLLUP, components: ROLLUP.components.slice(2) });
    await waitFor(() => expect(componentColumn()).toEqual(['search']));
  });
});

describe('OrgDeploymentsCard', () => {
  it('counts components, failing and drifting ones, and names those to look at', async () => {
    await render(<OrgDeploymentsCard />);
    expect(await screen.findByText('Needs attention')).toBeInTheDocument();
    expect(screen.getByText('cart')).toBeInTheDocument();
    expect(screen.getByText('Checkout')).toBeInTheDocument();
    expect(screen.queryByText('search')).not.toBeInTheDocument();
  });
});
