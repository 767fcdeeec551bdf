import { TestApiProvider } from '@backstage/test-utils';
import { signalApiRef, type SignalApi } from '@backstage/plugin-signals-react';
import type { JsonObject } from '@backstage/types';
import { act, renderHook } from '@testing-library/react';
import { PropsWithChildren } from 'react';
import { useShiplogSignal } from './useShiplogSignal';

describe('useShiplogSignal', () => {
  it("counts the signals on the entity's channel", () => {
    const subscribers = new Map<string, (message: JsonObject) => void>();
    const signals: SignalApi = {
      subscribe: (channel, onMessage) => {
        subscribers.set(channel, onMessage as (message: JsonObject) => void);
        return { unsubscribe: () => subscribers.delete(channel) };
      },
    };
    const wrapper = ({ children }: PropsWithChildren) => (
      <TestApiProvider apis={[[signalApiRef, signals]]}>
        {children}
      </TestApiProvider>
    );
    const { result } = renderHook(
      () => useShiplogSignal('component:default/checkout'),
      { wrapper },
    );
    expect(result.current).toEqual({ updateKey: 0, live: true });

    act(() =>
      subscribers.get('shiplog:component:default/checkout')!({
        changed: 'ledger',
        at: 1,
      }),
    );
    act(() =>
      subscribers.get('shiplog:component:default/checkout')!({
        changed: 'ledger',
        at: 2,
      }),
    );
    expect(result.current.updateKey).toBe(2);
  });

  it('is not live where the portal has no signals, so the tab keeps polling', () => {
    const wrapper = ({ children }: PropsWithChildren) => (
      <TestApiProvider apis={[]}>{children}</TestApiProvider>
    );
    const { result } = renderHook(
      () => useShiplogSignal('component:default/checkout'),
      { wrapper },
    );
    expect(result.current).toEqual({ updateKey: 0, live: false });
  });
});
