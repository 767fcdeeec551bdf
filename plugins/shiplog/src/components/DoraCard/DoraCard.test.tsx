import { Entity } from '@backstage/catalog-model';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { DoraResponse } from '@shiplog/plugin-shiplog-common';
import { fireEvent, screen } from '@testing-library/react';
import { ShiplogApi, shiplogApiRef } from '../../api/ShiplogApi';
import { DoraCard } from './DoraCard';

const checkout: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'checkout', namespace: 'default' },
};

/** A quiet window: one deployment, nothing failed, no commit measured. */
const QUIET: DoraResponse = {
  from: '2026-09-04T00:00:00.000Z',
  to: '2026-12-03T00:00:00.000Z',
  environment: 'live',
  components: 1,
  deploymentFrequency: { deployments: 1, perDay: 1 / 90 },
  leadTime: { medianSeconds: null, samples: 0 },
  changeFailRate: { failed: 0, total: 1, ratio: 0 },
  recoveryTime: { medianSeconds: null, samples: 0 },
  reworkRate: { unplanned: 0, total: 1, ratio: 0 },
  weekly: [],
};

const DAY_MS = 86_400_000;

describe('DoraCard', () => {
  it("shows a component's metrics, 'no data' where nothing was measured, and asks again for another window", async () => {
    const getDora = jest.fn(async () => QUIET);
    await renderInTestApp(
      <TestApiProvider
        apis={[[shiplogApiRef, { getDora } as unknown as ShiplogApi]]}
      >
        <EntityProvider entity={checkout}>
          <DoraCard />
        </EntityProvider>
      </TestApiProvider>,
    );
    expect(
      await screen.findByText('Last 90 days in live, 1 component'),
    ).toBeInTheDocument();
    expect(screen.getByText('0.01 per day')).toBeInTheDocument();
    // Lead time and recovery time: nothing to take a median of.
    expect(screen.getAllByText('no data')).toHaveLength(2);
    expect(screen.getAllByText('0.0%')).toHaveLength(2);
    // Rework rate has no published levels; the others are placed where measured.
    expect(screen.getByText(/no published level/)).toBeInTheDocument();
    expect(screen.getByText('Low')).toBeInTheDocument();
    expect(screen.getByText('Elite')).toBeInTheDocument();

    const [entityRef, window] = getDora.mock.calls[0] as unknown as [
      { kind: string; name: string },
      { from: string; to: string },
    ];
    expect(entityRef).toMatchObject({ kind: 'Component', name: 'checkout' });
    expect(Date.parse(window.to) - Date.parse(window.from)).toBe(90 * DAY_MS);

    fireEvent.mouseDown(screen.getByRole('button', { name: '90 days' }));
    fireEvent.click(await screen.findByText('30 days'));
    expect(
      await screen.findByText('Last 30 days in live, 1 component'),
    ).toBeInTheDocument();
    const [, narrower] = getDora.mock.calls[1] as unknown as [
      unknown,
      { from: string; to: string },
    ];
    expect(Date.parse(narrower.to) - Date.parse(narrower.from)).toBe(
      30 * DAY_MS,
    );
  });
});
