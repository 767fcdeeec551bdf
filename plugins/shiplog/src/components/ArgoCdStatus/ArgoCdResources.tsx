import { useTranslationRef } from '@backstage/core-plugin-api/alpha';
import Typography from '@material-ui/core/Typography';
import { ArgoCdApplicationState } from '@shiplog/plugin-shiplog-common';
import { shiplogTranslationRef } from '../../translation';
import { useArgoCdStyles } from './styles';

/** The resource summary by health, the first unhealthy resources, or why resources are unknown. */
export function ArgoCdResources({ app }: { app: ArgoCdApplicationState }) {
  const classes = useArgoCdStyles();
  const { t } = useTranslationRef(shiplogTranslationRef);
  const unhealthy = app.resources?.unhealthy ?? [];
  return (
    <>
      {app.resources && (
        <Typography variant="body2" className={classes.muted}>
          {t('argocd.resources', {
            resources: t('counts.resource', { count: app.resources.total }),
            byHealth: Object.entries(app.resources.byHealth)
              .map(([health, count]) => `${count} ${health}`)
              .join(', '),
          })}
        </Typography>
      )}
      {unhealthy.slice(0, 3).map(resource => (
        <Typography
          key={`${resource.kind}/${resource.namespace}/${resource.name}`}
          variant="body2"
          className={classes.drift}
          title={resource.message}
        >
          {t('argocd.unhealthyResource', {
            kind: resource.kind,
            name: resource.name,
            health: resource.health,
          })}
        </Typography>
      ))}
      {app.resourcesError && (
        <Typography variant="body2" className={classes.muted}>
          {t('argocd.resourcesUnavailable', { error: app.resourcesError })}
        </Typography>
      )}
    </>
  );
}
