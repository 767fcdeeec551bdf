import { LoggerService, SchedulerService } from '@backstage/backend-plugin-api';
import { PromotionExecutor } from '@shiplog/plugin-shiplog-node';
import { PromotionRecorder } from './PromotionRecorder';
import {
  PromotionRecord,
  PromotionStore,
} from '../database/stores/PromotionStore';
import { PromotionsConfig, STALE_REQUEST_MS } from './readPromotionsConfig';
import { TaskCursorStore } from '../database/stores/TaskCursorStore';
import { DeploymentStore } from '../database/stores';
import { withDeadline } from './running/withDeadline';

const TASK_ID = 'shiplog-promotion-tracker';

/** Where tracking stopped in the in-flight promotions (oldest first); none: from the oldest. */
type TrackingCursor = { requestedAt: number; id: string } | null;

const isTrackingCursor = (value: unknown): value is TrackingCursor => {
  const cursor = value as { requestedAt?: unknown; id?: unknown } | null;
  return (
    cursor === null ||
    (typeof cursor === 'object' &&
      Number.isSafeInteger(cursor.requestedAt) &&
      typeof cursor.id === 'string')
  );
};

export interface PromotionTrackerOptions {
  store: Pick<PromotionStore, 'listInFlight' | 'transition'>;
  /** The ledger's deploy events, which settle a merged promotion. */
  deployments: Pick<DeploymentStore, 'deployEventsSince'>;
  recorder: PromotionRecorder;
  executors: PromotionExecutor[];
  config: Pick<
    PromotionsConfig,
    'pullRequestPollMs' | 'deployTimeoutMs' | 'executorTimeoutMs'
  >;
  cursors: TaskCursorStore;
  logger: LoggerService;
  /** How many promotions one tick follows; more in flight are followed in turn, from the cursor. */
  batchSize?: number;
}

/**
 * Follows every promotion in flight: an open pull request from the host, a merged change from the
 * ledger's deploy events (Argo CD's syncs, or CI's deploys). Its scheduled task runs on one replica at
 * a time; each move is a compare-and-set anyway, so a second run would change nothing. Where it
 * stopped is kept in the database, so a restart or another replica goes on from there.
 */
export class PromotionTracker {
  private readonly batchSize: number;

  constructor(private readonly options: PromotionTrackerOptions) {
    this.batchSize = options.batchSize ?? 500;
  }

  /** Registers the tracking task with the scheduler (global scope: one replica at a time). */
  async start(scheduler: SchedulerService): Promise<void> {
    await scheduler.scheduleTask({
      id: TASK_ID,
      scope: 'global',
      frequency: { seconds: 5 },
      timeout: { minutes: 5 },
      initialDelay: { seconds: 5 },
      fn: async () => {
        await this.track();
      },
    });
  }

  /** One tick: advances the next batch of promotions in flight, after the stored cursor. */
  async track(now = Date.now()): Promise<void> {
    const { store, cursors, logger } = this.options;
    const stored = await cursors.get(TASK_ID);
    const after = isTrackingCursor(stored) ? stored : null;
    let batch = await store.listInFlight(this.batchSize, after ?? undefined);
    // Past the newest: start again from the oldest.
    if (!batch.length && after)
      batch = await store.listInFlight(this.batchSize);
    for (const promotion of batch) {
      try {
        await this.trackOne(promotion, now);
      } catch (error) {
        logger.warn(
          `Tracking promotion ${promotion.id} failed: ${
            (error as Error).message
          }`,
        );
      }
    }
    const last = batch[batch.length - 1];
    const next: TrackingCursor =
      batch.length === this.batchSize && last
        ? { requestedAt: Date.parse(last.requestedAt), id: last.id }
        : null;
    if (JSON.stringify(next) !== JSON.stringify(after)) {
      await cursors.set(TASK_ID, next);
    }
  }

  private async trackOne(promotion: PromotionRecord, now: number) {
    // Since it became `requested`: an approved promotion gets there long after it was asked for.
    const requestedAt = Date.parse(
      promotion.timeline.filter(t => t.state === 'requested').pop()?.at ??
        promotion.requestedAt,
    );
    switch (promotion.state) {
      case 'awaiting-approval':
        // An approver decides, or someone cancels it: nothing to follow meanwhile.
        return;
      case 'requested':
        if (now - requestedAt > STALE_REQUEST_MS) {
          await this.options.recorder.advance(promotion, 'failed', {
            error:
              'interrupted before its GitOps change was made (the backend stopped); promote again',
          });
        }
        return;
      case 'change_opened':
        await this.checkPullRequest(promotion, now);
        return;
      default:
        await this.checkDeployment(promotion, now);
    }
  }

  private async checkPullRequest(promotion: PromotionRecord, now: number) {
    const { config, recorder, store } = this.options;
    const change = promotion.change;
    if (
      !change ||
      (promotion.checkedAt !== undefined &&
        now - promotion.checkedAt < config.pullRequestPollMs)
    ) {
      return;
    }
    const executor = this.options.executors.find(e => e.id === change.executor);
    if (!executor?.getChangeStatus) {
      await recorder.advance(promotion, 'failed', {
        error: `no executor "${change.executor}" can follow the pull request`,
      });
      return;
    }
    // Still open (or unreadable for now): only the time of this check moves.
    const markChecked = () =>
      store.transition(promotion.id, ['change_opened'], 'change_opened', {
        checkedAt: now,
      });
    const status = await withDeadline(
      this.options.config.executorTimeoutMs,
      `asking ${change.executor} about the pull request`,
      signal =>
        executor.getChangeStatus!({
          repository: change.repository,
          number: change.number,
          branch: change.branch,
          signal,
        }),
    ).catch(async error => {
      await this.unreadablePullRequest(promotion, now, error, markChecked);
      throw error;
    });
    if (status.state === 'merged') {
      await recorder.advance(promotion, 'merged', {
        checkedAt: now,
        change: { ...change, commitSha: status.commitSha ?? change.commitSha },
      });
    } else if (status.state === 'closed') {
      await recorder.advance(promotion, 'failed', {
        checkedAt: now,
        error: `the pull request ${
          change.url ?? `#${change.number}`
        } was closed without merging`,
      });
    } else {
      await markChecked();
    }
  }

  /**
   * A status that cannot be read for as long as a deployment may take (repository renamed, token
   * revoked) ends the promotion, so the environment's lock is not held for ever.
   */
  private async unreadablePullRequest(
    promotion: PromotionRecord,
    now: number,
    error: unknown,
    markChecked: () => Promise<unknown>,
  ) {
    const { deployTimeoutMs } = this.options.config;
    const openedAt = Date.parse(
      promotion.timeline.find(t => t.state === 'change_opened')?.at ??
        promotion.requestedAt,
    );
    if (now - openedAt > deployTimeoutMs) {
      await this.options.recorder.advance(promotion, 'failed', {
        checkedAt: now,
        error: `the pull request's state could not be read for ${Math.round(
          deployTimeoutMs / 60_000,
        )} minutes: ${error instanceof Error ? error.message : error}`,
      });
    } else {
      await markChecked();
    }
  }

  private async checkDeployment(promotion: PromotionRecord, now: number) {
    const { recorder, config } = this.options;
    const events = await this.options.deployments.deployEventsSince(
      {
        entityRef: promotion.entityRef,
        environment: promotion.environment,
        version: promotion.version,
      },
      Date.parse(promotion.requestedAt),
    );
    // A withdrawn manual sync (Argo refused it) is not the deployment's outcome: Git still holds the change.
    const relevant = events.filter(e => e.status !== 'cancelled');
    const terminal = relevant.filter(e => e.status !== 'started').pop();
    const first = relevant[0];
    let current: PromotionRecord | undefined = promotion;
    if (first && current.state === 'merged') {
      current = await recorder.advance(current, 'synced', {
        deployment: {
          status: 'in_progress',
          at: new Date(first.occurredAt).toISOString(),
          runUrl: first.runUrl,
        },
      });
    }
    if (terminal && current) {
      const deployment = {
        status: terminal.status,
        at: new Date(terminal.occurredAt).toISOString(),
        runUrl: terminal.runUrl ?? first?.runUrl,
      };
      if (terminal.status === 'succeeded') {
        await recorder.advance(current, 'deployed', { deployment });
      } else {
        await recorder.advance(current, 'failed', {
          deployment,
          error: `the deployment of ${promotion.version} to ${promotion.environment} ${terminal.status}`,
        });
      }
      return;
    }
    const mergedAt = Date.parse(
      promotion.timeline.find(t => t.state === 'merged')?.at ??
        promotion.requestedAt,
    );
    // Started but never finished (health stuck Progressing, a sync nobody made) must not hold the
    // environment's lock for ever either.
    if (current && now - mergedAt > config.deployTimeoutMs) {
      await recorder.advance(current, 'failed', {
        error: `no ${first ? 'finished ' : ''}deployment of ${
          promotion.version
        } to ${promotion.environment} was reported within ${Math.round(
          config.deployTimeoutMs / 60_000,
        )} minutes of the merge; check Argo CD`,
      });
    }
  }
}
