import type {
  LoggerService,
  SchedulerService,
} from '@backstage/backend-plugin-api';
import type { ArgoApplication } from '@shiplog/plugin-shiplog-node';
import type { ArgoCdClient } from '../client/ArgoCdClient';
import { errorMessage } from '../budget';
import type { ArgoSnapshotStore } from '../polling/ArgoSnapshotStore';
import { projectApplication } from './projectApplication';
import { serverSentEventData } from './serverSentEvents';

/** One message of Argo CD's watch stream. */
interface WatchMessage {
  result?: {
    type?: 'ADDED' | 'MODIFIED' | 'DELETED';
    application?: ArgoApplication;
  };
  error?: { message?: string };
}

export interface ArgoApplicationWatchOptions {
  clients: Map<string, ArgoCdClient>;
  store: ArgoSnapshotStore;
  logger: LoggerService;
  refreshIntervalMs: number;
  /** How long one stream is held before it is reopened (and another replica may take it over). */
  holdMs?: number;
  /** Changes arriving within this long are stored together (a burst, or the first list). */
  settleMs?: number;
  /** Told about the instance's whole list after each change, to feed the ledger. */
  onApplications?: (
    instance: string,
    applications: ArgoApplication[],
  ) => Promise<void>;
  /** Told which applications changed, to signal the entities claiming them. */
  onChanged?: (instance: string, changed: ArgoApplication[]) => Promise<void>;
}

const keyOf = (app: ArgoApplication) =>
  `${app.metadata.namespace ?? ''}/${app.metadata.name}`;

/** What one stream has seen: the applications, the ones changed since the last store, the pending store. */
class StreamState {
  private readonly applications = new Map<string, ArgoApplication>();
  private readonly changed = new Map<string, ArgoApplication>();
  private timer?: NodeJS.Timeout;
  private chain: Promise<void> = Promise.resolve();
  private started = false;

  constructor(
    private readonly instance: string,
    /** The stored snapshot's applications as JSON: one the stream repeats unchanged is no change. */
    private readonly known: Map<string, string>,
    private readonly options: ArgoApplicationWatchOptions,
  ) {}

  apply(message: WatchMessage) {
    const { type, application } = message.result ?? {};
    if (!type || !application?.metadata?.name) return;
    const app = projectApplication(application);
    const key = keyOf(app);
    if (type === 'DELETED') {
      this.applications.delete(key);
      this.known.delete(key);
      this.changed.set(key, app);
    } else {
      this.applications.set(key, app);
      const json = JSON.stringify(app);
      if (this.known.get(key) !== json) {
        this.known.set(key, json);
        this.changed.set(key, app);
      }
    }
    // The first list arrives as a burst of ADDED: stored once it settles. Later changes are stored at
    // most `settleMs` after they arrive, however busy the stream is.
    if (this.timer && this.started) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.flush();
    }, this.options.settleMs ?? 50);
  }

  /** Stores the list (one at a time, in order); only after the first list has arrived. */
  flush() {
    if (!this.applications.size && !this.changed.size && !this.started) return;
    this.started = true;
    this.chain = this.chain.then(() => this.store()).catch(() => undefined);
  }

  async settled(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
      this.flush();
    }
    await this.chain;
  }

  private async store() {
    const { store, logger, onApplications, onChanged } = this.options;
    const list = [...this.applications.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([, app]) => app);
    const changed = [...this.changed.values()];
    this.changed.clear();
    try {
      await store.saveApplications(this.instance, list, Date.now());
      if (changed.length) {
        // Open tabs first (they read the snapshot just stored), then the ledger (it signals again).
        await onChanged?.(this.instance, changed);
        await onApplications?.(this.instance, list);
      }
    } catch (error) {
      logger.warn(
        `Argo CD ${
          this.instance
        }: a watched change was not stored: ${errorMessage(error)}`,
      );
    }
  }
}

/**
 * Follows each instance's application watch stream (`/api/v1/stream/applications`) into the snapshot
 * store, so a sync or health change reaches pages within a second. One scheduled task per instance
 * (global scope: one replica holds the stream); while it holds it, the stored snapshot is kept fresh and
 * the poller stands back to a slow safety net. A stream that fails or ends leaves the snapshot to age, so
 * polling takes over until the stream is back. Ledger events it causes have the same ids as polling's,
 * so a change seen by both (or by two replicas) is recorded, notified and posted once.
 */
export class ArgoApplicationWatch {
  constructor(private readonly options: ArgoApplicationWatchOptions) {}

  async schedule(scheduler: SchedulerService): Promise<void> {
    const holdMs = this.options.holdMs ?? 5 * 60_000;
    for (const instance of this.options.clients.keys()) {
      await scheduler.scheduleTask({
        id: `shiplog-argocd-watch-${instance}`,
        frequency: { seconds: 5 },
        timeout: { milliseconds: holdMs + 30_000 },
        initialDelay: { seconds: 2 },
        fn: async signal => {
          const held = AbortSignal.any([signal, AbortSignal.timeout(holdMs)]);
          await this.run(instance, held).catch(error =>
            this.options.logger.warn(
              `Argo CD ${instance}: watch stream stopped, polling until it is back: ${errorMessage(
                error,
              )}`,
            ),
          );
        },
      });
    }
  }

  /** Holds the instance's stream until `signal` aborts (resolves) or the stream fails or ends (rejects). */
  async run(instance: string, signal: AbortSignal): Promise<void> {
    const { store, refreshIntervalMs } = this.options;
    const client = this.options.clients.get(instance)!;
    const known = new Map(
      ((await store.read()).get(instance)?.applications ?? []).map(app => [
        keyOf(app),
        JSON.stringify(app),
      ]),
    );
    const body = await client.openApplicationStream(signal);
    const state = new StreamState(instance, known, this.options);
    // The stored snapshot's timestamps say "fresh" while the stream is held, changes or not.
    const heartbeat = setInterval(
      () => state.flush(),
      Math.max(100, refreshIntervalMs / 4),
    );
    try {
      for await (const data of serverSentEventData(body)) {
        const message: WatchMessage = JSON.parse(data);
        if (message.error) {
          throw new Error(message.error.message ?? 'stream error');
        }
        state.apply(message);
      }
      if (!signal.aborted) throw new Error('the stream ended');
    } catch (error) {
      if (!signal.aborted) throw error;
    } finally {
      clearInterval(heartbeat);
      await state.settled();
    }
  }
}
