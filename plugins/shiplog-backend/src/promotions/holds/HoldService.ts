import { AuditorService } from '@backstage/backend-plugin-api';
import { NotFoundError } from '@backstage/errors';
import { EnvironmentHold } from '@shiplog/plugin-shiplog-common';
import { HoldRecord, HoldStore } from './HoldStore';

type AuditRequest = Parameters<AuditorService['createEvent']>[0]['request'];

const publicHold = ({ entityRef, ...hold }: HoldRecord): EnvironmentHold =>
  hold;

/**
 * Holds on environments, placed and released by hand or by a rollback; every change audited. While
 * an environment is held, the `hold` guard refuses auto-promotions into it.
 */
export class HoldService {
  constructor(
    private readonly options: {
      store: HoldStore;
      auditor: AuditorService;
      /** Told after a hold was placed or released (open tabs show it); never fails the change. */
      onChanged?: (entityRef: string) => Promise<void>;
    },
  ) {}

  async place(input: {
    entityRef: string;
    environment: string;
    heldBy: string;
    reason: string;
    promotionId?: string;
    httpRequest?: AuditRequest;
  }): Promise<EnvironmentHold> {
    const { entityRef, environment, heldBy, reason, promotionId } = input;
    return this.changed(entityRef, () =>
      this.audited(
        'environment-hold',
        input.httpRequest,
        {
          entityRef,
          environment,
          heldBy,
          reason,
          promotionId: promotionId ?? null,
        },
        async () =>
          publicHold(
            await this.options.store.place({
              entityRef,
              environment,
              heldBy,
              reason,
              promotionId,
            }),
          ),
      ),
    );
  }

  /** Releases the hold, or throws a NotFoundError (404) when the environment is not held. */
  async release(input: {
    entityRef: string;
    environment: string;
    releasedBy: string;
    httpRequest?: AuditRequest;
  }): Promise<EnvironmentHold> {
    const { entityRef, environment, releasedBy } = input;
    return this.changed(entityRef, () =>
      this.audited(
        'environment-hold-release',
        input.httpRequest,
        { entityRef, environment, releasedBy },
        async () => {
          const released = await this.options.store.release(
            entityRef,
            environment,
          );
          if (!released) {
            throw new NotFoundError(
              `${environment} of ${entityRef} is not held`,
            );
          }
          return publicHold(released);
        },
      ),
    );
  }

  /** Runs a change of the entity's holds, then tells `onChanged` (best effort). */
  private async changed<T>(entityRef: string, change: () => Promise<T>) {
    const result = await change();
    await this.options.onChanged?.(entityRef).catch(() => undefined);
    return result;
  }

  async get(
    entityRef: string,
    environment: string,
  ): Promise<EnvironmentHold | undefined> {
    const hold = await this.options.store.get(entityRef, environment);
    return hold && publicHold(hold);
  }

  /** The entity's holds by environment. */
  async holdsOf(entityRef: string): Promise<Map<string, EnvironmentHold>> {
    const holds = await this.options.store.listFor(entityRef);
    return new Map(holds.map(hold => [hold.environment, publicHold(hold)]));
  }

  private async audited<T>(
    eventId: string,
    request: AuditRequest | undefined,
    meta: Record<string, string | null>,
    action: () => Promise<T>,
  ): Promise<T> {
    const audit = await this.options.auditor.createEvent({
      eventId,
      severityLevel: 'medium',
      request,
      meta,
    });
    try {
      const result = await action();
      await audit.success();
      return result;
    } catch (error) {
      await audit.fail({ error: error as Error });
      throw error;
    }
  }
}
