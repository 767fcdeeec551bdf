import { TestApiProvider } from '@backstage/test-utils';
import { signalApiRef, type SignalApi } from '@backstage/plugin-signals-react';
import type { JsonObject } from '@backstage/types';
import type {
  EnvironmentsResponse,
  Page,
  Release,
} from '@shiplog/plugin-shiplog-common';
import { act, renderHook, waitFor } from '@testing-library/react';
import { PropsWithChildren } from 'react';
import { ShiplogApi, shiplogApiRef } from '../api/ShiplogApi';
import { useEnvironments } from './useEnvironments';
import { usePromotions } from './usePromotions';
import { useReleasePages } from './useReleasePages';
import { useShiplogSignal } from './useShiplogSignal';

const CHANNEL = 'shiplog:component:default/checkout';
const ref = { kind: 'component', namespace: 'default', name: 'checkout' };

/** A signal API whose channels the test sends on, counting subscriptions. */
function mockSignals() {
  const subscribers = new Map<string, Array<(message: JsonObject) => void>>();
  const subscribe = jest.fn((channel: string, onMessage: unknown) => {
    const list = subscribers.get(channel) ?? [];
    subscribers.set(channel, [
      ...list,
      onMessage as (message: JsonObject) => void,
    ]);
    return { unsubscribe: jest.fn() };
  });
  return {
    api: { subscribe } as unknown as SignalApi,
    subscribe,
    send: (message: JsonObject) =>
      act(() => subscribers.get(CHANNEL)?.forEach(fn => fn(message))),
  };
}

const matrix = (version: string) =>
  ({
    entityRef: 'component:default/checkout',
    environments: [{ name: 'dev', status: 'succeeded', current: { version } }],
    undeployed: { commitCount: 0, commits: [] },
  } as unknown as EnvironmentsResponse);

const releases = (...versions: string[]): Page<Release> => ({
  items: versions.map(version => ({ version } as Release)),
});

/** The tab's data hooks fed by one signal subscription, as EntityShiplogContent wires them. */
function useTab() {
  const { updates, live } = useShiplogSignal('component:default/checkout');
  return {
    live,
    environments: useEnvironments(ref, { updates }),
    releases: useReleasePages(ref, updates).releases,
    promotions: usePromotions(ref, { updates, live }).promotions,
  };
}

describe('useShiplogSignal', () => {
  it('updates only the parts a signal names, in place, without a reload', async () => {
    const signals = mockSignals();
    const api = {
      getEnvironments: jest
        .fn()
        .mockResolvedValueOnce(matrix('1.0.0'))
        .mockResolvedValue(matrix('1.1.0')),
      getReleases: jest
        .fn()
        .mockResolvedValueOnce(releases('1.0.0'))
        .mockResolvedValue(releases('1.1.0', '1.0.0')),
      getPromotions: jest.fn(async () => ({ items: [] })),
    } as unknown as jest.Mocked<ShiplogApi>;
    const wrapper = ({ children }: PropsWithChildren) => (
      <TestApiProvider
        apis={[
          [shiplogApiRef, api],
          [signalApiRef, signals.api],
        ]}
      >
        {children}
      </TestApiProvider>
    );
    const { result } = renderHook(() => useTab(), { wrapper });
    await waitFor(() =>
      expect(
        result.current.environments.value?.environments[0].current?.version,
      ).toBe('1.0.0'),
    );
    expect(result.current.live).toBe(true);

    // A deploy in dev: the matrix and the releases change, the promotions do not.
    signals.send({
      entityRef: 'component:default/checkout',
      changed: 'ledger',
      parts: ['environments', 'releases'],
      at: 1,
    });
    await waitFor(() =>
      expect(
        result.current.environments.value?.environments[0].current?.version,
      ).toBe('1.1.0'),
    );
    await waitFor(() =>
      expect(result.current.releases?.map(r => r.version)).toEqual([
        '1.1.0',
        '1.0.0',
      ]),
    );
    expect(result.current.environments.loading).toBe(false);
    expect(api.getEnvironments).toHaveBeenCalledTimes(2);
    expect(api.getReleases).toHaveBeenCalledTimes(2);
    expect(api.getPromotions).toHaveBeenCalledTimes(1);
    // One subscription for the whole tab, kept across renders.
    expect(signals.subscribe).toHaveBeenCalledTimes(1);
    expect(signals.subscribe).toHaveBeenCalledWith(
      CHANNEL,
      expect.any(Function),
    );
  });

  it('refreshes every part for a signal naming none it knows', async () => {
    const signals = mockSignals();
    const api = {
      getEnvironments: jest.fn(async () => matrix('1.0.0')),
      getReleases: jest.fn(async () => releases('1.0.0')),
      getPromotions: jest.fn(async () => ({ items: [] })),
    } as unknown as jest.Mocked<ShiplogApi>;
    const wrapper = ({ children }: PropsWithChildren) => (
      <TestApiProvider
        apis={[
          [shiplogApiRef, api],
          [signalApiRef, signals.api],
        ]}
      >
        {children}
      </TestApiProvider>
    );
    const { result } = renderHook(() => useTab(), { wrapper });
    await waitFor(() => expect(result.current.releases).toBeDefined());
    signals.send({ changed: 'ledger', at: 2 });
    await waitFor(() => expect(api.getPromotions).toHaveBeenCalledTimes(2));
    expect(api.getEnvironments).toHaveBeenCalledTimes(2);
    expect(api.getReleases).toHaveBeenCalledTimes(2);
  });

  it('is not live where the portal has no signals, so the tab keeps polling', () => {
    const wrapper = ({ children }: PropsWithChildren) => (
      <TestApiProvider apis={[]}>{children}</TestApiProvider>
    );
    const { result } = renderHook(
      () => useShiplogSignal('component:default/checkout'),
      { wrapper },
    );
    expect(result.current.live).toBe(false);
  });
});
