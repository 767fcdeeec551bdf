import { InfoCard } from '@backstage/core-components';
import { useTranslationRef } from '@backstage/core-plugin-api/alpha';
import { CompoundEntityRef } from '@backstage/catalog-model';
import Grid from '@material-ui/core/Grid';
import { ComponentProps } from 'react';
import { PromotionList } from '../PromotionList';
import { shiplogTranslationRef } from '../../translation';

/** The entity's promotions, newest first, with the approvers' decisions. */
export function PromotionsCard(props: {
  entityRef: CompoundEntityRef;
  refreshKey: string;
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
          refreshKey={props.refreshKey}
          onDecide={props.onDecide}
        />
      </InfoCard>
    </Grid>
  );
}
