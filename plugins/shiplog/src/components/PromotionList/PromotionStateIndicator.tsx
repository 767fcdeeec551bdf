import { useTranslationRef } from '@backstage/core-plugin-api/alpha';
import { PromotionState } from '@shiplog/plugin-shiplog-common';
import { shiplogTranslationRef } from '../../translation';
import { StatusIndicator } from '../StatusIndicator';

const STATE_LABEL_KEYS = {
  requested: 'promotionState.requested',
  change_opened: 'promotionState.changeOpened',
  merged: 'promotionState.merged',
  synced: 'promotionState.synced',
  deployed: 'promotionState.deployed',
  failed: 'promotionState.failed',
  refused: 'promotionState.refused',
  'awaiting-approval': 'promotionState.awaitingApproval',
  rejected: 'promotionState.rejected',
  cancelled: 'promotionState.cancelled',
} as const satisfies Record<PromotionState, string>;

/** A promotion's state in the shared status vocabulary. */
export function PromotionStateIndicator({ state }: { state: PromotionState }) {
  const { t } = useTranslationRef(shiplogTranslationRef);
  const status =
    (state === 'deployed' && 'succeeded') ||
    ((state === 'failed' || state === 'refused' || state === 'rejected') &&
      'failed') ||
    (state === 'synced' && 'in_progress') ||
    'pending';
  return <StatusIndicator status={status} label={t(STATE_LABEL_KEYS[state])} />;
}
