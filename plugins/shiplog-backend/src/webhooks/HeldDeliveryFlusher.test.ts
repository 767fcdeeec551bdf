import { mockServices } from '@backstage/backend-test-utils';
import { HeldDeliveryFlusher } from './HeldDeliveryFlusher';

describe('HeldDeliveryFlusher', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('flushes on its interval from start until stop', async () => {
    const inbox = { flushHeld: jest.fn(async () => 0) };
    const flusher = new HeldDeliveryFlusher(
      inbox,
      mockServices.logger.mock(),
      1000,
    );
    flusher.start();
    flusher.start(); // a second start keeps one timer
    await jest.advanceTimersByTimeAsync(3000);
    expect(inbox.flushHeld).toHaveBeenCalledTimes(3);
    await flusher.stop();
    await jest.advanceTimersByTimeAsync(3000);
    expect(inbox.flushHeld).toHaveBeenCalledTimes(3);
  });

  it('logs a failed flush instead of throwing, and joins a flush still running', async () => {
    let fail: (error: Error) => void = () => {};
    const inbox = {
      flushHeld: jest.fn(
        () =>
          new Promise<number>((_resolve, reject) => {
            fail = reject;
          }),
      ),
    };
    const logger = mockServices.logger.mock();
    const flusher = new HeldDeliveryFlusher(inbox, logger, 1000);
    const first = flusher.flush();
    const second = flusher.flush();
    expect(inbox.flushHeld).toHaveBeenCalledTimes(1);
    fail(new Error('database down'));
    await Promise.all([first, second]);
    expect(logger.warn).toHaveBeenCalledWith(
      'Flushing held webhook deliveries failed',
      expect.any(Error),
    );
  });

  it('starts and stops with the plugin lifecycle', async () => {
    const lifecycle = mockServices.lifecycle.mock();
    const flusher = new HeldDeliveryFlusher(
      { flushHeld: async () => 0 },
      mockServices.logger.mock(),
    );
    const start = jest.spyOn(flusher, 'start');
    const stop = jest.spyOn(flusher, 'stop');
    flusher.register(lifecycle);
    const startup = lifecycle.addStartupHook.mock.calls[0][0];
    const shutdown = lifecycle.addShutdownHook.mock.calls[0][0];
    await startup();
    expect(start).toHaveBeenCalled();
    await shutdown();
    expect(stop).toHaveBeenCalled();
  });
});
