import { TestApiProvider } from '@backstage/test-utils';
import type { Entity } from '@backstage/catalog-model';
import type { ArgoCdStateResponse } from '@shiplog/plugin-shiplog-common';
import { act, renderHook, waitFor } from '@testing-library/react';
import { PropsWithChildren } from 'react';
import { ShiplogApi, shiplogApiRef } from '../api/ShiplogApi';
import { useArgoCdState } from './useArgoCdState';

const entity: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'checkout',
    namespace: 'default',
    annotations: { 'argocd/app-selector': 'app=checkout' },
  },
};
const ref = { kind: 'component', namespace: 'default', name: 'checkout' };
const answer = (phase: string) =>
  ({
    applications: [{ name: 'checkout-prod', operation: { phase } }],
    instances: [],
  } as unknown as ArgoCdStateResponse);

describe('useArgoCdState', () => {
  it('never drops a signal that arrives while a fetch runs: one more fetch shows the last state', async () => {
    const pending: Array<(value: ArgoCdStateResponse) => void> = [];
    const api = {
      getArgoCdState: jest.fn(
        () => new Promise<ArgoCdStateResponse>(r => pending.push(r)),
      ),
    } as unknown as ShiplogApi;
    const wrapper = ({ children }: PropsWithChildren) => (
      <TestApiProvider apis={[[shiplogApiRef, api]]}>
        {children}
      </TestApiProvider>
    );
    const { result, rerender } = renderHook(
      ({ updateKey }) => useArgoCdState(entity, ref, { updateKey, live: true }),
      { wrapper, initialProps: { updateKey: 0 } },
    );
    await act(async () => pending.shift()!(answer('Succeeded')));
    expect(result.current.value?.applications[0].operation?.phase).toBe(
      'Succeeded',
    );

    // A signal starts a fetch; two more arrive before it answers.
    rerender({ updateKey: 1 });
    rerender({ updateKey: 2 });
    rerender({ updateKey: 3 });
    await waitFor(() => expect(pending).toHaveLength(1));
    await act(async () => pending.shift()!(answer('Running')));
    // The signals that came meanwhile make exactly one more fetch, whose answer shows.
    await waitFor(() => expect(pending).toHaveLength(1));
    await act(async () => pending.shift()!(answer('Succeeded')));
    expect(result.current.value?.applications[0].operation?.phase).toBe(
      'Succeeded',
    );
    expect(api.getArgoCdState).toHaveBeenCalledTimes(3);
    expect(result.current.loading).toBe(false);
  });
});
