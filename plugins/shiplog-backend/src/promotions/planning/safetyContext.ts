import { Entity } from '@backstage/catalog-model';
import {
  EnvironmentConfig,
  EnvironmentHold,
} from '@shiplog/plugin-shiplog-common';
import { EnvironmentStateRecord } from '../../database/types';
import { FreezeCalendar } from './FreezeCalendar';
import { SafetyGuardContext } from './safetyGuards';

/** What the safety guards read besides the ledger: holds, freeze windows, Argo CD health, the clock. */
export interface SafetySources {
  holds?: {
    get(
      entityRef: string,
      environment: string,
    ): Promise<EnvironmentHold | undefined>;
  };
  freezes?: FreezeCalendar;
  /**
   * Argo CD's health of the entity's application in an environment (`Healthy`, `Degraded`, ...);
   * undefined where Argo CD does not know it.
   */
  healthOf?(entity: Entity, environment: string): Promise<string | undefined>;
  now?: () => number;
}

/** Gathers the safety guards' context for a promotion of `version` into `environment`. */
export async function safetyContext(
  sources: SafetySources,
  input: {
    entity: Entity;
    entityRef: string;
    environment: string;
    version: string;
    automatic: boolean;
    rollback: boolean;
    reason?: string;
    overrideFreeze: boolean;
    overrideAllowed: boolean;
    previous?: EnvironmentConfig;
    states: EnvironmentStateRecord[];
  },
): Promise<SafetyGuardContext> {
  const now = sources.now?.() ?? Date.now();
  const { entityRef, environment, previous } = input;
  const [hold, soak] = await Promise.all([
    sources.holds?.get(entityRef, environment),
    previous?.soakTime ? soakOf(sources, input, previous) : undefined,
  ]);
  return {
    environment,
    version: input.version,
    automatic: input.automatic,
    rollback: input.rollback,
    reason: input.reason,
    hold,
    freeze: sources.freezes?.activeFreezeOf(environment, now),
    overrideFreeze: input.overrideFreeze,
    overrideAllowed: input.overrideAllowed && !input.automatic,
    soak,
    now,
  };
}

async function soakOf(
  sources: SafetySources,
  input: { entity: Entity; version: string; states: EnvironmentStateRecord[] },
  previous: EnvironmentConfig,
): Promise<SafetyGuardContext['soak']> {
  const current = input.states.find(
    s => s.environment === previous.name,
  )?.current;
  const runs =
    current?.version === input.version && current.status === 'succeeded';
  const health = runs
    ? await sources
        .healthOf?.(input.entity, previous.name)
        // Argo CD unreachable: its health is not known, which the soak time does not wait for.
        .catch(() => undefined)
    : undefined;
  return {
    previousEnvironment: previous.name,
    minutes: previous.soakTime!.minutes,
    runningSince: runs ? current.finishedAt ?? current.sortAt : undefined,
    unhealthy: health && health !== 'Healthy' ? health : undefined,
  };
}
