import {
  ResponseErrorPanel,
  Table,
  TableColumn,
} from '@backstage/core-components';
import { useTranslationRef } from '@backstage/core-plugin-api/alpha';
import { CompoundEntityRef } from '@backstage/catalog-model';
import Tooltip from '@material-ui/core/Tooltip';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import { Promotion } from '@shiplog/plugin-shiplog-common';
import { memo } from 'react';
import { usePromotions } from '../../hooks';
import type { LiveUpdates } from '../../hooks/liveUpdates';
import { shiplogTranslationRef } from '../../translation';
import { exactTime, relativeTime } from '../../utils/format';
import { PromotionDecisionKind } from '../../api/ShiplogApi';
import { PromotionDecisions } from './PromotionDecisions';
import { PromotionLinks } from './PromotionLinks';
import { PromotionStateIndicator } from './PromotionStateIndicator';

type DecideHandler = (
  promotionId: string,
  decision: PromotionDecisionKind,
) => Promise<void>;

const useStyles = makeStyles(
  theme => ({ empty: { padding: theme.spacing(2) } }),
  { name: 'ShiplogPromotionList' },
);

function useColumns(
  entityRef: CompoundEntityRef,
  onDecide?: DecideHandler,
): TableColumn<Promotion>[] {
  const { t } = useTranslationRef(shiplogTranslationRef);
  return [
    {
      title: t('promotions.promotion'),
      render: p => (
        <>
          <Typography variant="body2">
            <strong>{p.version}</strong> → {p.environment}
            {p.rollback && t('promotions.rollbackSuffix')}
          </Typography>
          <Typography variant="caption" color="textSecondary">
            {t('promotions.from', {
              version: p.fromVersion ?? t('promote.nothing'),
            })}
          </Typography>
        </>
      ),
    },
    {
      title: t('promotions.state'),
      render: p => (
        <>
          <PromotionStateIndicator state={p.state} />
          {p.error && (
            <Typography variant="caption" display="block" color="error">
              {p.error}
            </Typography>
          )}
          {p.review && (
            <Typography variant="caption" display="block">
              {t('promotions.reviewedBy', {
                decision: p.review.decision,
                actor: p.review.by,
              })}
              {p.review.comment && `: ${p.review.comment}`}
            </Typography>
          )}
        </>
      ),
    },
    ...(onDecide
      ? [
          {
            title: t('promotions.actions'),
            render: (p: Promotion) => (
              <PromotionDecisions
                entityRef={entityRef}
                promotion={p}
                onDecide={onDecide}
              />
            ),
          },
        ]
      : []),
    {
      title: t('promotions.links'),
      render: p => <PromotionLinks promotion={p} />,
    },
    {
      title: t('promotions.requested'),
      render: p => (
        <Tooltip title={exactTime(p.requestedAt)}>
          <Typography variant="body2">
            {t('promotions.requestedBy', {
              time: relativeTime(p.requestedAt),
              actor: p.automatic
                ? t('promotions.autoPromotion')
                : p.requestedBy,
            })}
          </Typography>
        </Tooltip>
      ),
    },
  ];
}

/**
 * The entity's promotions, newest first, with their state, links to the pull request and the sync,
 * and why one failed or was refused. Refreshes when told the promotions changed, and while any is in
 * flight. Memoized: the rest of the tab changing does not render it again.
 */
export const PromotionList = memo(function PromotionListView(props: {
  entityRef: CompoundEntityRef;
  /** Changes when a promotion was just made, to show it at once. */
  refreshKey?: string;
  /** Says when the promotions changed (signals, the tab's own actions). */
  updates?: LiveUpdates;
  /** Signals are available: polling only as a safety net. */
  live?: boolean;
  /** Approves, rejects or cancels a promotion; without it no action shows. */
  onDecide?: DecideHandler;
}) {
  const classes = useStyles();
  const { t } = useTranslationRef(shiplogTranslationRef);
  const { promotions, error } = usePromotions(props.entityRef, {
    refreshKey: props.refreshKey,
    updates: props.updates,
    live: props.live,
  });
  const columns = useColumns(props.entityRef, props.onDecide);
  if (error) return <ResponseErrorPanel error={error} />;
  return (
    <Table<Promotion>
      options={{
        paging: false,
        search: false,
        toolbar: false,
        padding: 'dense',
      }}
      columns={columns}
      data={promotions}
      emptyContent={
        <Typography color="textSecondary" className={classes.empty}>
          {t('promotions.empty')}
        </Typography>
      }
    />
  );
});
