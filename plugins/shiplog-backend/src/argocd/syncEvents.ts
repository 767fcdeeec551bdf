import {
  ArgoCdApplicationState,
  releaseEventInputSchema,
} from '@shiplog/plugin-shiplog-common';
import { randomUUID } from 'crypto';
import { LedgerEvent } from '../database/types';

/** Who asks for a sync, as the ledger records it. */
export interface SyncRequester {
  /** The entity's normalised reference. */
  entityRef: string;
  /** The user's entity reference. */
  actor: string;
}

export type SyncOutcome = 'started' | 'cancelled';

/**
 * The ledger's deploy events for one manual sync: `started` when it is asked for (stamped with that time),
 * `cancelled` if Argo CD refuses it. Undefined where the app's environment or version is unknown.
 */
export function createSyncEvents(
  requester: SyncRequester,
): (
  target: ArgoCdApplicationState,
  outcome: SyncOutcome,
) => LedgerEvent | undefined {
  const syncId = randomUUID();
  const requestedAt = new Date().toISOString();
  return (target, outcome) => {
    // The tag comes from a values file anyone with write access to Git edits: one the version schema
    // refuses falls back to the live version, else the sync goes unrecorded (never a 500).
    for (const version of [target.declared?.tag, target.version]) {
      if (!target.environment || !version) continue;
      const event = syncEvent(target, outcome, version);
      if (event) return event;
    }
    return undefined;
  };

  function syncEvent(
    target: ArgoCdApplicationState,
    outcome: SyncOutcome,
    version: string,
  ): LedgerEvent | undefined {
    const parsed = releaseEventInputSchema.safeParse({
      id: `shiplog-sync:${syncId}:${outcome}`,
      entityRef: requester.entityRef,
      type: 'deploy',
      status: outcome,
      environment: target.environment,
      version,
      actor: requester.actor,
      source: 'shiplog',
      runUrl: target.url,
      occurredAt: outcome === 'started' ? requestedAt : undefined,
    });
    return parsed.success ? parsed.data : undefined;
  }
}
