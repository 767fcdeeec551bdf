import { InfoCard } from '@backstage/core-components';
import { useTranslationRef } from '@backstage/core-plugin-api/alpha';
import { CompoundEntityRef } from '@backstage/catalog-model';
import Grid from '@material-ui/core/Grid';
import { ComponentProps, memo } from 'react';
import type { LiveUpdates } from '../../hooks/liveUpdates';
import { PromotionList } from '../PromotionList';
import { shiplogTranslationRef } from '../../translation';

/**
 * The entity's promotions, newest first, with the approvers' decisions; they refresh when `updates`
 * says the promotions changed. Memoized: the rest of the tab changing does not render it again.
 */
export const PromotionsCard = memo(function PromotionsCardView(props: {
  entityRef: CompoundEntityRef;
  updates?: LiveUpdates;
  live?: boolean;
  onDecide?: ComponentProps<typeof PromotionList>['onDecide'];
}) {
  const { t } = useTranslationRef(shiplogTranslationRef);
  return (
    <Grid item xs={12}>
      <InfoCard
        title={t('content.promotionsTitle')}
        subheader={t('content.promotionsSubheader')}
      >
        <PromotionList
          entityRef={props.entityRef}
          updates={props.updates}
          live={props.live}
          onDecide={props.onDecide}
        />
      </InfoCard>
    </Grid>
  );
});
