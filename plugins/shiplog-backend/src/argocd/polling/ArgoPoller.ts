import { LoggerService, SchedulerService } from '@backstage/backend-plugin-api';
import type { ArgoApplication } from '@shiplog/plugin-shiplog-node';
import { APPLICATION_LIST_FIELDS, ArgoCdClient } from '../client/ArgoCdClient';
import { errorMessage, withinBudget } from '../budget';
import { ArgoSnapshot, ArgoSnapshotStore } from './ArgoSnapshotStore';

export interface ArgoPollerOptions {
  clients: Map<string, ArgoCdClient>;
  store: ArgoSnapshotStore;
  logger: LoggerService;
  refreshIntervalMs: number;
  /**
   * With a watch stream: an instance whose snapshot the stream keeps fresh is listed only this often.
   * Without (undefined), every instance is listed every interval.
   */
  safetyNetPollMs?: number;
  /** Told about every instance's fresh application list, to feed the ledger. */
  onApplications?: (
    instance: string,
    applications: ArgoApplication[],
  ) => Promise<void>;
}

/**
 * Lists each instance's applications into the snapshot store. One scheduled task polls per refresh
 * interval on one replica; a page finding a snapshot stale polls that instance itself, so a page never
 * waits on a dead scheduler.
 */
export class ArgoPoller {
  private readonly polls = new Map<string, Promise<void>>();

  constructor(private readonly options: ArgoPollerOptions) {}

  /** Registers the poll (global scope: one replica polls per interval). */
  async schedule(scheduler: SchedulerService): Promise<void> {
    await scheduler.scheduleTask({
      id: 'shiplog-argocd-poll',
      frequency: { milliseconds: this.options.refreshIntervalMs },
      timeout: { minutes: 2 },
      initialDelay: { seconds: 1 },
      fn: () => this.pollAll(),
    });
  }

  /** When this replica last listed each instance in full (the safety net counts from its start). */
  private readonly listedAt = new Map<string, number>();
  private readonly createdAt = Date.now();

  /** Lists every instance's applications once, but those a watch stream keeps fresh only as a safety net. */
  async pollAll(): Promise<void> {
    const names = [...this.options.clients.keys()];
    const due = await this.withoutFreshStreams(names);
    await Promise.all(due.map(name => this.poll(name)));
  }

  /**
   * The instances to list now. A watch stream stores its instance's snapshot every quarter interval, a
   * list at most once per interval, so a snapshot younger than half an interval is the stream's doing.
   */
  private async withoutFreshStreams(names: string[]): Promise<string[]> {
    const { safetyNetPollMs, refreshIntervalMs, store } = this.options;
    if (safetyNetPollMs === undefined) return names;
    const snapshots = await store.read();
    const now = Date.now();
    return names.filter(name => {
      const snapshot = snapshots.get(name);
      const streamed =
        snapshot?.fetchedAt !== undefined &&
        !snapshot.error &&
        now - snapshot.fetchedAt < refreshIntervalMs / 2;
      return (
        !streamed ||
        now - (this.listedAt.get(name) ?? this.createdAt) >= safetyNetPollMs
      );
    });
  }

  /** One list call for one instance; concurrent callers on this replica share it. */
  poll(instance: string): Promise<void> {
    const running = this.polls.get(instance);
    if (running) return running;
    const polled = this.listInto(instance).finally(() =>
      this.polls.delete(instance),
    );
    this.polls.set(instance, polled);
    return polled;
  }

  private async listInto(instance: string): Promise<void> {
    const { store, logger, onApplications } = this.options;
    const client = this.options.clients.get(instance)!;
    const started = Date.now();
    let applications: ArgoApplication[];
    try {
      applications = await client.listApplications({
        fields: APPLICATION_LIST_FIELDS,
      });
    } catch (error) {
      logger.warn(
        `Argo CD instance ${instance} could not be listed: ${errorMessage(
          error,
        )}`,
      );
      await store.saveError(instance, errorMessage(error), started);
      return;
    }
    await store.saveApplications(instance, applications, started);
    this.listedAt.set(instance, started);
    await onApplications?.(instance, applications);
  }

  /**
   * Snapshots of the given instances. One never polled, or whose poller stopped (nothing written for three
   * intervals), is polled here once, waiting at most `budgetMs`: a hanging instance shows as pending while
   * the others' data is served.
   */
  async snapshots(
    instances: string[],
    budgetMs: number,
  ): Promise<Map<string, ArgoSnapshot>> {
    const { store, refreshIntervalMs } = this.options;
    let snapshots = await store.read();
    const stale = instances.filter(name => {
      const snapshot = snapshots.get(name);
      return (
        !snapshot || Date.now() - snapshot.attemptedAt > 3 * refreshIntervalMs
      );
    });
    if (stale.length) {
      await withinBudget(
        Promise.all(stale.map(name => this.poll(name))),
        budgetMs,
      ).catch(() => undefined);
      snapshots = await store.read();
    }
    return snapshots;
  }
}
