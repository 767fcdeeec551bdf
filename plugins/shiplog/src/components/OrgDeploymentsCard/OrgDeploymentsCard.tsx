import {
  InfoCard,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useTranslationRef } from '@backstage/core-plugin-api/alpha';
import { getCompoundEntityRef } from '@backstage/catalog-model';
import { useEntity } from '@backstage/plugin-catalog-react';
import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import { useMemo } from 'react';
import { usePrefetch, useRollup } from '../../hooks';
import { shiplogTranslationRef } from '../../translation';
import { loadOrgContent } from '../../lazyViews';
import { ComponentLink } from '../OrgDeployments/ComponentLink';
import { isDrifting, rollupRows, rollupSummary } from '../OrgDeployments';

const useStyles = makeStyles(
  theme => ({
    figures: { display: 'flex', gap: theme.spacing(3), flexWrap: 'wrap' },
    figure: { fontSize: '1.75rem', fontWeight: 600, lineHeight: 1.2 },
    alert: { color: theme.palette.error.main },
    warning: { color: theme.palette.warning.dark },
    attention: { marginTop: theme.spacing(2) },
  }),
  { name: 'ShiplogOrgDeploymentsCard' },
);

const ATTENTION_SHOWN = 5;

/** A System's, Group's or Domain's deployments at a glance: counts, and the components to look at first. */
export function OrgDeploymentsCard() {
  const { entity } = useEntity();
  const classes = useStyles();
  const { t } = useTranslationRef(shiplogTranslationRef);
  const entityRef = useMemo(() => getCompoundEntityRef(entity), [entity]);
  const { value, loading, error } = useRollup(entityRef);
  // The Deployments tab is the next likely click: its code loads while the overview is idle.
  usePrefetch(loadOrgContent);
  const summary = value && rollupSummary(value);
  const attention = value
    ? rollupRows(value, 'failing', {
        text: '',
        onlyFailing: false,
        onlyDrifting: false,
      })
        .filter(c => c.failing || isDrifting(c))
        .slice(0, ATTENTION_SHOWN)
    : [];
  const figure = (count: number, label: string, className?: string) => (
    <div>
      <div className={`${classes.figure} ${count ? className ?? '' : ''}`}>
        {count}
      </div>
      <Typography variant="caption" color="textSecondary">
        {label}
      </Typography>
    </div>
  );
  return (
    <InfoCard title={t('orgViews.cardTitle')} variant="gridItem">
      {loading && <Progress />}
      {error && <ResponseErrorPanel error={error} />}
      {summary && (
        <>
          <div className={classes.figures}>
            {figure(summary.components, t('orgViews.cardComponents'))}
            {figure(summary.failing, t('orgViews.cardFailing'), classes.alert)}
            {figure(
              summary.drifting,
              t('orgViews.cardDrifting'),
              classes.warning,
            )}
            {figure(summary.undeployedCommits, t('orgViews.cardUndeployed'))}
          </div>
          {attention.length > 0 && (
            <Box className={classes.attention}>
              <Typography variant="subtitle2">
                {t('orgViews.cardAttention')}
              </Typography>
              {attention.map(component => (
                <Typography variant="body2" key={component.entityRef}>
                  <ComponentLink component={component} />
                </Typography>
              ))}
            </Box>
          )}
        </>
      )}
    </InfoCard>
  );
}
