import {
  CompoundEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { useTranslationRef } from '@backstage/core-plugin-api/alpha';
import { usePermission } from '@backstage/plugin-permission-react';
import Button from '@material-ui/core/Button';
import ButtonGroup from '@material-ui/core/ButtonGroup';
import {
  IN_FLIGHT_PROMOTION_STATES,
  Promotion,
  promotionResourceRef,
  shiplogPromotionApprovePermission,
} from '@shiplog/plugin-shiplog-common';
import { useState } from 'react';
import { PromotionDecisionKind } from '../../api/ShiplogApi';
import { shiplogTranslationRef } from '../../translation';

/**
 * Approve and Reject on a promotion awaiting approval (for users with shiplog.promotion.approve on
 * it), and Cancel on one in flight (the backend lets its requester or an approver cancel).
 */
export function PromotionDecisions(props: {
  entityRef: CompoundEntityRef;
  promotion: Promotion;
  onDecide: (id: string, decision: PromotionDecisionKind) => Promise<void>;
}) {
  const { promotion } = props;
  const { t } = useTranslationRef(shiplogTranslationRef);
  const [busy, setBusy] = useState(false);
  const { allowed: mayApprove } = usePermission({
    permission: shiplogPromotionApprovePermission,
    resourceRef: promotionResourceRef(
      stringifyEntityRef(props.entityRef),
      promotion.environment,
    ),
  });
  if (!IN_FLIGHT_PROMOTION_STATES.includes(promotion.state)) return null;
  const decide = (decision: PromotionDecisionKind) => async () => {
    setBusy(true);
    try {
      await props.onDecide(promotion.id, decision);
    } finally {
      setBusy(false);
    }
  };
  const awaiting = promotion.state === 'awaiting-approval';
  return (
    <ButtonGroup size="small" disabled={busy}>
      {awaiting && mayApprove && (
        <Button color="primary" onClick={decide('approve')}>
          {t('promotions.approve')}
        </Button>
      )}
      {awaiting && mayApprove && (
        <Button onClick={decide('reject')}>{t('promotions.reject')}</Button>
      )}
      <Button onClick={decide('cancel')}>{t('promotions.cancel')}</Button>
    </ButtonGroup>
  );
}
