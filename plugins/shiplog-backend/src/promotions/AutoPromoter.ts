import { LoggerService, SchedulerService } from '@backstage/backend-plugin-api';
import { Entity } from '@backstage/catalog-model';
import { EnvironmentConfig } from '@shiplog/plugin-shiplog-common';
import { randomUUID } from 'node:crypto';
import { LedgerStore } from '../database/LedgerStore';
import { DeployEventRecord } from '../database/types';
import { PromotionStore } from '../database/stores/PromotionStore';
import { TaskCursorStore } from '../database/stores/TaskCursorStore';
import { AUTO_PROMOTION_ACTOR, PromotionCreator } from './types';

/** Auto-promotion looks at successful deployments received and made this recently. */
const AUTO_PROMOTION_WINDOW_MS = 60 * 60 * 1000;
const TASK_ID = 'shiplog-auto-promoter';

/**
 * Auto-promotion's place in the ledger: the received time it reads from, and the events at or after
 * it that were already considered (with their received time), so they are not considered twice.
 */
interface AutoPromotionCursor {
  at: number;
  considered: Array<[eventId: string, receivedAt: number]>;
  /** Deploy events whose release still soaks in its environment: considered again each tick. */
  soaking?: SoakingEvent[];
}

/**
 * A release soaking where it deployed. `healthySince`: when Argo CD last turned Healthy after being
 * seen otherwise (`null` while it is not Healthy); absent when it was never seen unhealthy.
 */
interface SoakingEvent {
  event: DeployEventRecord;
  healthySince?: number | null;
}

type Consideration =
  | { outcome: 'done' }
  | { outcome: 'failed' }
  | { outcome: 'soaking'; healthySince?: number | null };

const isAutoPromotionCursor = (
  value: unknown,
): value is AutoPromotionCursor => {
  const cursor = value as Partial<AutoPromotionCursor> | null;
  return (
    typeof cursor === 'object' &&
    cursor !== null &&
    Number.isSafeInteger(cursor.at) &&
    Array.isArray(cursor.considered) &&
    (cursor.soaking === undefined || Array.isArray(cursor.soaking)) &&
    cursor.considered.every(
      entry =>
        Array.isArray(entry) &&
        typeof entry[0] === 'string' &&
        Number.isSafeInteger(entry[1]),
    )
  );
};

export interface AutoPromoterOptions {
  store: Pick<PromotionStore, 'triggeredEventIds' | 'createRefused'>;
  ledgerStore: Pick<
    LedgerStore,
    'getEnvironmentStates' | 'recentDeploySuccesses'
  >;
  /** The entity's environments, in order (configuration narrowed by its annotation). */
  environmentsOf(entity: Entity): EnvironmentConfig[];
  /** Creates the promotion, audited and through every guard. */
  promotions: PromotionCreator;
  /** Loads an entity with Shiplog's own credentials. */
  loadEntity(entityRef: string): Promise<Entity | undefined>;
  /** Argo CD's health of the entity's application in an environment, where known (for soak time). */
  healthOf?(entity: Entity, environment: string): Promise<string | undefined>;
  cursors: TaskCursorStore;
  logger: LoggerService;
}

/**
 * Auto-promotion: a release that just deployed successfully to an environment whose next one
 * auto-promotes is promoted there, through every guard (labels included). Each triggering deploy event
 * triggers at most one attempt: the task runs on one replica at a time, reads the ledger from a cursor
 * kept in the database, and the promotions table refuses a second promotion for one trigger.
 */
export class AutoPromoter {
  constructor(private readonly options: AutoPromoterOptions) {}

  /** Registers the auto-promotion task with the scheduler (global scope: one replica at a time). */
  async start(scheduler: SchedulerService): Promise<void> {
    await scheduler.scheduleTask({
      id: TASK_ID,
      scope: 'global',
      frequency: { seconds: 5 },
      timeout: { minutes: 5 },
      initialDelay: { seconds: 5 },
      fn: async () => {
        await this.autoPromote();
      },
    });
  }

  /** One tick: considers the successful deployments received since the cursor. */
  async autoPromote(now = Date.now()): Promise<void> {
    const { store, cursors } = this.options;
    const windowStart = now - AUTO_PROMOTION_WINDOW_MS;
    const stored = await cursors.get(TASK_ID);
    const cursor = isAutoPromotionCursor(stored)
      ? stored
      : { at: 0, considered: [] };
    const considered = new Map(cursor.considered);
    // Each tick reads only what arrived since the last one (a cursor), so a busy hour is neither re-read
    // every few seconds nor stuck behind the first page of it.
    const events = await this.options.ledgerStore.recentDeploySuccesses(
      Math.max(windowStart, cursor.at),
      windowStart,
    );
    const triggered = await store.triggeredEventIds([
      ...events.map(e => e.id),
      ...(cursor.soaking ?? []).map(waiting => waiting.event.id),
    ]);
    let firstFailure: number | undefined;
    const soaking: SoakingEvent[] = [];
    for (const waiting of cursor.soaking ?? []) {
      if (triggered.has(waiting.event.id)) continue;
      const result = await this.consider(waiting.event, now, waiting);
      // A failure to look is retried like soaking: the entry stays.
      if (result.outcome !== 'done') {
        soaking.push(
          result.outcome === 'soaking'
            ? { event: waiting.event, healthySince: result.healthySince }
            : waiting,
        );
      }
    }
    for (const event of events) {
      if (
        triggered.has(event.id) ||
        !event.version ||
        considered.has(event.id)
      ) {
        continue;
      }
      considered.set(event.id, event.receivedAt);
      const result = await this.consider(event, now);
      if (result.outcome === 'soaking') {
        soaking.push({ event, healthySince: result.healthySince });
      } else if (result.outcome === 'failed') {
        // Unexpected (catalog or database down): the cursor stays before it, so the next tick retries.
        considered.delete(event.id);
        firstFailure ??= event.receivedAt;
      }
    }
    const last = events[events.length - 1];
    const at = last
      ? Math.max(cursor.at, firstFailure ?? last.receivedAt)
      : cursor.at;
    // Only what the next tick can read again needs remembering.
    const from = Math.max(at, windowStart);
    const next: AutoPromotionCursor = {
      at,
      considered: [...considered].filter(
        ([, receivedAt]) => receivedAt >= from,
      ),
      ...(soaking.length ? { soaking } : {}),
    };
    if (JSON.stringify(next) !== JSON.stringify(cursor)) {
      await cursors.set(TASK_ID, next);
    }
  }

  /** Promotes after one deploy event where that is due (and its release soaked); `failed` when something unexpected failed. */
  private async consider(
    event: DeployEventRecord,
    now: number,
    soaking?: SoakingEvent,
  ): Promise<Consideration> {
    const { logger } = this.options;
    try {
      const entity = await this.options.loadEntity(event.entityRef);
      if (!entity) return { outcome: 'done' };
      const due = await this.nextEnvironmentDue(entity, event);
      if (!due) return { outcome: 'done' };
      const { next } = due;
      const soak = await this.soak(entity, event, due, now, soaking);
      if (soak) return soak;
      await this.options.promotions
        .create({
          entity,
          entityRef: event.entityRef,
          request: {
            version: event.version!,
            environment: next,
            rollback: false,
            dryRun: false,
            overrideFreeze: false,
            reason: `auto-promotion: deployed successfully to ${event.environment}`,
          },
          requestedBy: AUTO_PROMOTION_ACTOR,
          automatic: true,
          triggerEventId: event.id,
        })
        .catch(async error => {
          await this.didNotProceed(event, next, error);
        });
      return { outcome: 'done' };
    } catch (error) {
      logger.warn(
        `Auto-promotion after ${event.id} failed: ${(error as Error).message}`,
      );
      return { outcome: 'failed' };
    }
  }

  /**
   * Undefined once the release has run where it deployed, succeeded and (where Argo CD knows) Healthy,
   * for the environment's whole soak time; otherwise it is still soaking.
   */
  private async soak(
    entity: Entity,
    event: DeployEventRecord,
    due: { soakMinutes?: number; runningSince: number },
    now: number,
    soaking?: SoakingEvent,
  ): Promise<Consideration | undefined> {
    if (!due.soakMinutes) return undefined;
    const health = await this.options
      .healthOf?.(entity, event.environment)
      .catch(() => undefined);
    if (health && health !== 'Healthy') {
      return { outcome: 'soaking', healthySince: null };
    }
    // Healthy again after being seen otherwise: the soak time starts over from now.
    const healthySince =
      soaking?.healthySince === null ? now : soaking?.healthySince;
    const since = Math.max(due.runningSince, healthySince ?? 0);
    if (now - since < due.soakMinutes * 60_000) {
      return { outcome: 'soaking', healthySince };
    }
    return undefined;
  }

  /** The next environment, when it auto-promotes and this release still runs here but not there yet. */
  private async nextEnvironmentDue(
    entity: Entity,
    event: DeployEventRecord,
  ): Promise<
    { next: string; soakMinutes?: number; runningSince: number } | undefined
  > {
    const environments = this.options.environmentsOf(entity);
    const index = environments.findIndex(e => e.name === event.environment);
    const next = index >= 0 ? environments[index + 1] : undefined;
    if (!next?.autoPromote) return undefined;
    const states = await this.options.ledgerStore.getEnvironmentStates(
      event.entityRef,
    );
    const here = states.find(s => s.environment === event.environment)?.current;
    const runningNext = states.find(s => s.environment === next.name)?.current
      ?.version;
    // Only what still runs here goes on, and only where it does not run yet.
    if (
      !here ||
      here.version !== event.version ||
      runningNext === event.version
    ) {
      return undefined;
    }
    return {
      next: next.name,
      soakMinutes: environments[index].soakTime?.minutes,
      runningSince: here.finishedAt ?? here.sortAt,
    };
  }

  /** A refused or conflicting auto-promotion: logged, and a conflict recorded so it is visible. */
  private async didNotProceed(
    event: DeployEventRecord,
    environment: string,
    error: Error,
  ): Promise<void> {
    const { store, logger } = this.options;
    if (
      error.name === 'ConflictError' &&
      !(await store.triggeredEventIds([event.id])).size
    ) {
      // Another promotion is in flight there: record the attempt so it is visible and not repeated.
      await store.createRefused(
        {
          id: randomUUID(),
          entityRef: event.entityRef,
          environment,
          version: event.version!,
          rollback: false,
          automatic: true,
          requestedBy: AUTO_PROMOTION_ACTOR,
          guards: [],
          triggerEventId: event.id,
        },
        error.message,
      );
    }
    logger.info(
      `Auto-promotion of ${event.entityRef} ${event.version} to ${environment} did not proceed: ${error.message}`,
    );
  }
}
