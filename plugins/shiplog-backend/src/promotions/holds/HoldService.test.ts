import { mockServices } from '@backstage/backend-test-utils';
import { HoldService } from './HoldService';
import type { HoldStore } from './HoldStore';

describe('HoldService', () => {
  const hold = {
    entityRef: 'component:default/checkout',
    environment: 'prod',
    heldBy: 'user:default/oncall',
    reason: 'incident',
    since: '2026-01-01T00:00:00Z',
  };

  it('tells open tabs when a hold is placed or released, and not when nothing changed', async () => {
    const store = {
      place: jest.fn(async () => hold),
      release: jest
        .fn()
        .mockResolvedValueOnce(hold)
        .mockResolvedValue(undefined),
    } as unknown as HoldStore;
    const onChanged = jest.fn(async () => undefined);
    const holds = new HoldService({
      store,
      auditor: mockServices.auditor.mock(),
      onChanged,
    });
    const input = { entityRef: hold.entityRef, environment: 'prod' };

    await holds.place({ ...input, heldBy: hold.heldBy, reason: 'incident' });
    await holds.release({ ...input, releasedBy: hold.heldBy });
    await expect(
      holds.release({ ...input, releasedBy: hold.heldBy }),
    ).rejects.toThrow('prod of component:default/checkout is not held');

    expect(onChanged.mock.calls).toEqual([[hold.entityRef], [hold.entityRef]]);
  });

  it('never fails the change when telling the tabs fails', async () => {
    const holds = new HoldService({
      store: { place: jest.fn(async () => hold) } as unknown as HoldStore,
      auditor: mockServices.auditor.mock(),
      onChanged: async () => {
        throw new Error('signals down');
      },
    });
    await expect(
      holds.place({
        entityRef: hold.entityRef,
        environment: 'prod',
        heldBy: hold.heldBy,
        reason: 'incident',
      }),
    ).resolves.toMatchObject({ environment: 'prod' });
  });
});
