import type { LoggerService } from '@backstage/backend-plugin-api';
import type { NotificationService } from '@backstage/plugin-notifications-node';
import type { NotificationPayload } from '@backstage/plugin-notifications-common';
import type { SignalsService } from '@backstage/plugin-signals-node';
import {
  type ShiplogSignal,
  type ShiplogSignalPart,
  shiplogSignalChannel,
  signalPartsForEvents,
} from '@shiplog/plugin-shiplog-common';
import type { LedgerEvent, PromotionLedgerEvent } from '../../database/types';
import type { EntityDirectory } from '../EntityDirectory';

/** Topics of Shiplog's Backstage notifications (DESIGN.md, contract additions). */
export const NOTIFICATION_TOPICS = {
  deployFailed: 'shiplog.deploy.failed',
  awaitingApproval: 'shiplog.promotion.awaiting-approval',
  promotionFinished: 'shiplog.promotion.finished',
  drift: 'shiplog.drift',
} as const;

/** The signal channel the entity's Deployments tab listens on. */
export const signalChannel = shiplogSignalChannel;

/** One notification scope per entity and environment, so a newer state replaces the older one. */
export function notificationScope(
  entityRef: string,
  environment: string,
): string {
  return `${entityRef}@${environment}`;
}

interface Notice {
  entityRef: string;
  environment: string;
  payload: NotificationPayload;
  excludeEntityRef?: string;
}

/**
 * Tells people and pages about ledger changes once they are committed: a signal on
 * `shiplog:<entityRef>` for every entity a batch touched (the tab refreshes), and Backstage
 * notifications to the entity's owners for a failed deploy, a finished or failed promotion, and a
 * promotion awaiting approval. Best effort: a failure is logged, never fails the ingest that caused it.
 */
export class BackstageNotifier {
  constructor(
    private readonly options: {
      directory: EntityDirectory;
      logger: LoggerService;
      notifications?: NotificationService;
      signals?: SignalsService;
    },
  ) {}

  async afterCommit(events: LedgerEvent[]): Promise<void> {
    const typesByEntity = new Map<string, Set<string>>();
    for (const event of events) {
      const types = typesByEntity.get(event.entityRef) ?? new Set<string>();
      typesByEntity.set(event.entityRef, types.add(event.type));
    }
    await Promise.all([
      ...[...typesByEntity].map(([entityRef, types]) =>
        this.signal(entityRef, 'ledger', signalPartsForEvents(types)),
      ),
      ...events.flatMap(event => {
        const notice = this.noticeFor(event);
        return notice ? [this.notify(notice)] : [];
      }),
    ]);
  }

  /**
   * Publishes that parts of an entity's tab changed (its ledger, Argo CD state, promotions or holds):
   * the open tabs refetch only those parts.
   */
  async signal(
    entityRef: string,
    changed: ShiplogSignal['changed'],
    parts: ShiplogSignalPart[],
  ): Promise<void> {
    if (!this.options.signals) return;
    try {
      await this.options.signals.publish<ShiplogSignal>({
        recipients: { type: 'broadcast' },
        channel: signalChannel(entityRef),
        message: { entityRef, changed, parts, at: Date.now() },
      });
    } catch (error) {
      this.options.logger.warn(
        `Signal for ${entityRef} not published: ${error}`,
      );
    }
  }

  /** Production has run behind the environment before it for longer than allowed. */
  async drift(
    entityRef: string,
    environment: string,
    description: string,
  ): Promise<void> {
    await this.notify({
      entityRef,
      environment,
      payload: {
        title: `${nameOf(entityRef)}: ${environment} is behind`,
        description,
        topic: NOTIFICATION_TOPICS.drift,
        severity: 'normal',
      },
    });
  }

  private noticeFor(event: LedgerEvent): Notice | undefined {
    if (
      event.type === 'deploy' &&
      event.status === 'failed' &&
      event.environment
    ) {
      return {
        entityRef: event.entityRef,
        environment: event.environment,
        payload: {
          title: `${nameOf(event.entityRef)} ${
            event.version ?? event.commitSha?.slice(0, 7) ?? ''
          } failed to deploy to ${event.environment}`,
          topic: NOTIFICATION_TOPICS.deployFailed,
          severity: 'high',
          ...(event.runUrl ? { description: `Run: ${event.runUrl}` } : {}),
        },
      };
    }
    if (event.type === 'promotion') {
      return promotionNotice(event);
    }
    return undefined;
  }

  private async notify(notice: Notice): Promise<void> {
    const { notifications, directory, logger } = this.options;
    if (!notifications) return;
    try {
      const owners = await directory.ownersOf(notice.entityRef);
      if (!owners.length) return;
      await notifications.send({
        recipients: {
          type: 'entity',
          entityRef: owners,
          ...(notice.excludeEntityRef
            ? { excludeEntityRef: notice.excludeEntityRef }
            : {}),
        },
        payload: {
          link: directory.deploymentsTab(notice.entityRef),
          scope: notificationScope(notice.entityRef, notice.environment),
          ...notice.payload,
        },
      });
    } catch (error) {
      logger.warn(`Notification about ${notice.entityRef} not sent: ${error}`);
    }
  }
}

function promotionNotice(event: PromotionLedgerEvent): Notice | undefined {
  const what = `${event.rollback ? 'Rollback' : 'Promotion'} of ${nameOf(
    event.entityRef,
  )} ${event.version} to ${event.environment}`;
  const base = { entityRef: event.entityRef, environment: event.environment };
  switch (event.status) {
    case 'awaiting-approval':
      return {
        ...base,
        // The requester cannot approve their own promotion, so they are not asked to.
        excludeEntityRef: event.actor?.startsWith('user:')
          ? event.actor
          : undefined,
        payload: {
          title: `${what} awaits approval`,
          description: event.reason,
          topic: NOTIFICATION_TOPICS.awaitingApproval,
          severity: 'high',
        },
      };
    case 'deployed':
      return {
        ...base,
        payload: {
          title: `${what} deployed`,
          topic: NOTIFICATION_TOPICS.promotionFinished,
          severity: 'normal',
        },
      };
    case 'failed':
      return {
        ...base,
        payload: {
          title: `${what} failed`,
          description: event.error,
          topic: NOTIFICATION_TOPICS.promotionFinished,
          severity: 'high',
        },
      };
    default:
      return undefined;
  }
}

function nameOf(entityRef: string): string {
  return entityRef.split('/').pop() ?? entityRef;
}
