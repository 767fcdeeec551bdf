import { LifecycleService, LoggerService } from '@backstage/backend-plugin-api';

/** How often deliveries held in memory are offered to the database again. */
const FLUSH_INTERVAL_MS = 10_000;

/**
 * Writes down the webhook deliveries this replica held in memory while the database was unreachable.
 * Each replica holds its own, so this runs in every replica (a timer, not a cluster-wide scheduled task);
 * it starts with the plugin and stops when the backend shuts down.
 */
export class HeldDeliveryFlusher {
  private timer?: NodeJS.Timeout;
  private flushing?: Promise<void>;

  constructor(
    private readonly inbox: { flushHeld(): Promise<number> },
    private readonly logger: LoggerService,
    private readonly intervalMs = FLUSH_INTERVAL_MS,
  ) {}

  /** Starts at the plugin's start-up and stops at shutdown. */
  register(lifecycle: LifecycleService): void {
    lifecycle.addStartupHook(() => this.start());
    lifecycle.addShutdownHook(() => this.stop());
  }

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => {
      this.flush();
    }, this.intervalMs);
    // A pending flush never keeps the process alive on its own.
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.flushing;
  }

  /** One pass; a pass still running is joined rather than doubled. */
  flush(): Promise<void> {
    this.flushing ??= this.inbox
      .flushHeld()
      .then(
        () => undefined,
        error =>
          this.logger.warn('Flushing held webhook deliveries failed', error),
      )
      .finally(() => {
        this.flushing = undefined;
      });
    return this.flushing;
  }
}
