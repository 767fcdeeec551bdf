import { PromotionState } from '@shiplog/plugin-shiplog-common';
import { LedgerStore } from '../database/LedgerStore';
import {
  PromotionPatch,
  PromotionRecord,
  PromotionStore,
} from '../database/stores/PromotionStore';

/**
 * Moves promotions from state to state and records every step in the ledger as a `promotion` event,
 * for running and tracking alike. Each move is a compare-and-set, so it is safe on any replica.
 */
export class PromotionRecorder {
  constructor(
    private readonly store: PromotionStore,
    private readonly ledgerStore: Pick<LedgerStore, 'ingest'>,
  ) {}

  /** Moves a promotion and records the step in the ledger. */
  async advance(
    promotion: PromotionRecord,
    to: PromotionState,
    patch: PromotionPatch = {},
  ): Promise<PromotionRecord | undefined> {
    const moved = await this.store.transition(
      promotion.id,
      [promotion.state],
      to,
      patch,
    );
    if (moved && to !== promotion.state) await this.record(moved);
    return moved;
  }

  /** The ledger's `promotion` event for the state a promotion just reached. */
  async record(promotion: PromotionRecord): Promise<void> {
    const url = promotion.change?.url;
    await this.ledgerStore.ingest([
      {
        id: `shiplog-promotion:${promotion.id}:${promotion.state}`,
        entityRef: promotion.entityRef,
        type: 'promotion',
        status: promotion.state,
        version: promotion.version,
        environment: promotion.environment,
        promotionId: promotion.id,
        fromVersion: promotion.fromVersion,
        reason: promotion.reason,
        rollback: promotion.rollback,
        automatic: promotion.automatic,
        change: promotion.change && {
          kind: promotion.change.kind,
          url,
          commitSha: promotion.change.commitSha,
        },
        error: promotion.error,
        actor: promotion.requestedBy,
        source: 'shiplog',
        runUrl: url && /^https?:\/\//.test(url) ? url : undefined,
      },
    ]);
  }
}
