import type {
  LoggerService,
  SchedulerService,
} from '@backstage/backend-plugin-api';
import type { Entity } from '@backstage/catalog-model';
import type {
  EnvironmentStatus,
  EnvironmentsResponse,
} from '@shiplog/plugin-shiplog-common';

const CURSOR = 'shiplog-drift-notifications';

export interface DriftNotifierOptions {
  /** Entities with anything deployed. */
  entityRefs: () => Promise<string[]>;
  entity: (entityRef: string) => Promise<Entity | undefined>;
  environments: (
    entityRef: string,
    entity: Entity,
  ) => Promise<EnvironmentsResponse>;
  /** What was last notified per `<entityRef>@<environment>` (a task cursor: one replica runs the task). */
  cursors: {
    get(name: string): Promise<unknown>;
    set(name: string, value: unknown): Promise<void>;
  };
  notify: (
    entityRef: string,
    environment: string,
    description: string,
  ) => Promise<void>;
  /** How long production may run behind the environment before it. */
  driftAfterMs: number;
  logger: LoggerService;
  now?: () => number;
}

/** The environment DORA measures: the one marked `production`, else the last on the path. */
function productionOf(
  environments: EnvironmentStatus[],
): EnvironmentStatus | undefined {
  return (
    environments.find(
      env => (env.policy as { production?: boolean }).production,
    ) ?? environments[environments.length - 1]
  );
}

/**
 * Tells an entity's owners (`shiplog.drift`) when production has run behind the environment before it for
 * longer than `driftAfter`: counted from when that environment got the release production lacks. Once
 * per such release: the next notice (same scope, so it replaces this one) comes when the environment
 * before moves on again and that too has waited long enough. A global scheduled task: one replica runs it.
 */
export class DriftNotifier {
  constructor(private readonly options: DriftNotifierOptions) {}

  async schedule(scheduler: SchedulerService): Promise<void> {
    await scheduler.scheduleTask({
      id: 'shiplog-drift-notifications',
      frequency: { minutes: 15 },
      timeout: { minutes: 10 },
      initialDelay: { minutes: 1 },
      fn: async () => {
        await this.run();
      },
    });
  }

  /** Checks every entity once; returns the notices sent. */
  async run(): Promise<number> {
    const { cursors, logger } = this.options;
    const notified = ((await cursors.get(CURSOR)) ?? {}) as Record<
      string,
      string
    >;
    const current: Record<string, string> = {};
    let sent = 0;
    for (const entityRef of await this.options.entityRefs()) {
      try {
        const drift = await this.driftOf(entityRef);
        if (!drift) continue;
        current[drift.key] = drift.marker;
        if (notified[drift.key] === drift.marker) continue;
        await this.options.notify(
          entityRef,
          drift.environment,
          drift.description,
        );
        sent++;
      } catch (error) {
        logger.warn(`Drift of ${entityRef} not checked: ${error}`);
      }
    }
    await cursors.set(CURSOR, current);
    return sent;
  }

  private async driftOf(entityRef: string) {
    const entity = await this.options.entity(entityRef);
    if (!entity) return undefined;
    const { environments } = await this.options.environments(entityRef, entity);
    const production = productionOf(environments);
    const previous = environments.find(
      env => env.name === production?.drift.previousEnvironment,
    );
    if (!production?.drift.releasesBehind || !previous?.current) {
      return undefined;
    }
    const since = Date.parse(previous.current.at);
    const now = this.options.now?.() ?? Date.now();
    if (now - since < this.options.driftAfterMs) return undefined;
    const days = Math.floor((now - since) / 86_400_000);
    const { releasesBehind, commitsBehind } = production.drift;
    return {
      key: `${entityRef}@${production.name}`,
      marker: previous.current.version,
      environment: production.name,
      description: `${production.name} runs ${
        production.current?.version ?? 'nothing'
      } while ${previous.name} has run ${previous.current.version} for ${
        days >= 1 ? `${days} day(s)` : 'less than a day'
      }: ${releasesBehind} release(s) and ${commitsBehind} commit(s) behind.`,
    };
  }
}
