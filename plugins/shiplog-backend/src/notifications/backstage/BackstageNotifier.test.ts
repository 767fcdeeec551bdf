import { mockServices } from '@backstage/backend-test-utils';
import type { SignalsService } from '@backstage/plugin-signals-node';
import type { LedgerEvent } from '../../database/types';
import type { EntityDirectory } from '../EntityDirectory';
import { BackstageNotifier } from './BackstageNotifier';

describe('BackstageNotifier signals', () => {
  const setup = () => {
    const publish = jest.fn(async () => undefined);
    const notifier = new BackstageNotifier({
      directory: {} as EntityDirectory,
      logger: mockServices.logger.mock(),
      signals: { publish } as unknown as SignalsService,
    });
    return { notifier, publish };
  };

  it('signals each entity of a batch once, naming only the parts of its tab the events changed', async () => {
    const { notifier, publish } = setup();
    const events = [
      {
        id: 'a',
        entityRef: 'component:default/checkout',
        type: 'publish',
        status: 'succeeded',
        version: '1.0.0',
      },
      {
        id: 'b',
        entityRef: 'component:default/checkout',
        type: 'deploy',
        status: 'succeeded',
        version: '1.0.0',
        environment: 'dev',
      },
      {
        id: 'c',
        entityRef: 'component:default/payments',
        type: 'promotion',
        status: 'merged',
        version: '2.0.0',
        environment: 'prod',
        promotionId: 'p1',
      },
    ] as LedgerEvent[];

    await notifier.afterCommit(events);

    expect(publish).toHaveBeenCalledTimes(2);
    expect(publish).toHaveBeenCalledWith({
      recipients: { type: 'broadcast' },
      channel: 'shiplog:component:default/checkout',
      message: {
        entityRef: 'component:default/checkout',
        changed: 'ledger',
        parts: ['environments', 'releases'],
        at: expect.any(Number),
      },
    });
    expect(publish).toHaveBeenCalledWith(
      expect.objectContaining({
        channel: 'shiplog:component:default/payments',
        message: expect.objectContaining({
          parts: ['environments', 'promotions'],
        }),
      }),
    );
  });

  it('never fails the ingest when a signal cannot be published', async () => {
    const { notifier, publish } = setup();
    publish.mockRejectedValueOnce(new Error('events service down'));
    await expect(
      notifier.signal('component:default/checkout', 'environments', [
        'environments',
      ]),
    ).resolves.toBeUndefined();
  });
});
