import { Entity } from '@backstage/catalog-model';
import { TableColumn } from '@backstage/core-components';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import {
  EnvironmentStatus,
  EnvironmentsResponse,
} from '@shiplog/plugin-shiplog-common';
import { screen } from '@testing-library/react';
import { ShiplogApi, shiplogApiRef } from '../../api/ShiplogApi';
import { createShiplogVersionColumns } from './createShiplogVersionColumns';

const entity = (kind: string, name: string): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind,
  metadata: { name, namespace: 'default' },
});

const environment = (
  name: string,
  fields: Partial<EnvironmentStatus>,
): EnvironmentStatus => ({
  name,
  policy: {} as EnvironmentStatus['policy'],
  status: 'never_deployed',
  drift: { releasesBehind: 0, commitsBehind: 0, aheadOfPrevious: false },
  ...fields,
});

const running = (version: string) => ({
  deploymentId: version,
  version,
  status: 'succeeded' as const,
  at: '2026-11-30T10:00:00Z',
  rollback: false,
});

const MATRIX: EnvironmentsResponse = {
  entityRef: 'component:default/checkout',
  environments: [
    environment('stage', { status: 'succeeded', current: running('1.3.0') }),
    environment('prod', {
      status: 'failed',
      current: running('1.1.0'),
      drift: { releasesBehind: 2, commitsBehind: 5, aheadOfPrevious: false },
    }),
    environment('qa', {}),
  ],
  undeployed: { commitCount: 0, commits: [] },
};

function renderRow(
  columns: TableColumn<{ entity: Entity }>[],
  row: { entity: Entity },
  api: ShiplogApi,
) {
  return renderInTestApp(
    <TestApiProvider apis={[[shiplogApiRef, api]]}>
      <table>
        <tbody>
          <tr>
            {columns.map(column => (
              <td key={column.title as string}>
                {column.render?.(row, 'row')}
              </td>
            ))}
          </tr>
        </tbody>
      </table>
    </TestApiProvider>,
  );
}

describe('createShiplogVersionColumns', () => {
  it('makes one column per environment, titled as asked', () => {
    const columns = createShiplogVersionColumns({
      environments: ['stage', 'prod'],
      title: env => `Version in ${env}`,
    });
    expect(columns.map(c => c.title)).toEqual([
      'Version in stage',
      'Version in prod',
    ]);
  });

  it("shows a component's version per environment with one request for the whole row", async () => {
    const getEnvironments = jest.fn(async () => MATRIX);
    const api = { getEnvironments } as unknown as ShiplogApi;
    await renderRow(
      createShiplogVersionColumns({ environments: ['stage', 'prod', 'qa'] }),
      { entity: entity('Component', 'checkout') },
      api,
    );
    expect(await screen.findByText('1.3.0')).toBeInTheDocument();
    // prod's last attempt failed: the version it still runs shows, marked as failed.
    expect(screen.getByText('1.1.0')).toBeInTheDocument();
    expect(screen.getByText('1.1.0').className).toMatch(/failed/);
    expect(screen.getByText('—')).toBeInTheDocument();
    expect(getEnvironments).toHaveBeenCalledTimes(1);
  });

  it('leaves other kinds empty and asks nothing for them', async () => {
    const getEnvironments = jest.fn(async () => MATRIX);
    const api = { getEnvironments } as unknown as ShiplogApi;
    await renderRow(
      createShiplogVersionColumns({ environments: ['prod'] }),
      { entity: entity('System', 'shop') },
      api,
    );
    expect(screen.queryByText('1.1.0')).not.toBeInTheDocument();
    expect(getEnvironments).not.toHaveBeenCalled();
  });
});
