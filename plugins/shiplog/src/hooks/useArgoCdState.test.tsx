import { TestApiProvider } from '@backstage/test-utils';
import type { Entity } from '@backstage/catalog-model';
import type { ArgoCdStateResponse } from '@shiplog/plugin-shiplog-common';
import { act, renderHook, waitFor } from '@testing-library/react';
import { PropsWithChildren } from 'react';
import { ShiplogApi, shiplogApiRef } from '../api/ShiplogApi';
import { LiveUpdates } from './liveUpdates';
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
    const updates = new LiveUpdates();
    const { result } = renderHook(
      () => useArgoCdState(entity, ref, { updates, live: true }),
      { wrapper },
    );
    await act(async () => pending.shift()!(answer('Succeeded')));
    expect(result.current.value?.applications[0].operation?.phase).toBe(
      'Succeeded',
    );

    // A signal starts a fetch; two more arrive before it answers.
    act(() => updates.emit(['argocd']));
    act(() => updates.emit(['argocd']));
    act(() => updates.emit(['argocd']));
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

  it('fetches only when the Argo CD part changed', async () => {
    const api = {
      getArgoCdState: jest.fn(async () => answer('Succeeded')),
    } as unknown as ShiplogApi;
    const wrapper = ({ children }: PropsWithChildren) => (
      <TestApiProvider apis={[[shiplogApiRef, api]]}>
        {children}
      </TestApiProvider>
    );
    const updates = new LiveUpdates();
    const { result } = renderHook(
      () => useArgoCdState(entity, ref, { updates, live: true }),
      { wrapper },
    );
    await waitFor(() => expect(result.current.value).toBeDefined());
    act(() => updates.emit(['environments', 'releases', 'promotions']));
    expect(api.getArgoCdState).toHaveBeenCalledTimes(1);
    act(() => updates.emit(['argocd']));
    await waitFor(() => expect(api.getArgoCdState).toHaveBeenCalledTimes(2));
  });
});
