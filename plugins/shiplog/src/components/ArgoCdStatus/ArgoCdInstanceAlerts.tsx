import { useTranslationRef } from '@backstage/core-plugin-api/alpha';
import Alert from '@material-ui/lab/Alert';
import { ArgoCdStateResponse } from '@shiplog/plugin-shiplog-common';
import { shiplogTranslationRef } from '../../translation';
import { useArgoCdStyles } from './styles';

/** Why live Argo CD state is missing: the request failed, or an instance does not answer. */
export function ArgoCdInstanceAlerts({
  state,
  error,
}: {
  state?: ArgoCdStateResponse;
  error?: Error;
}) {
  const classes = useArgoCdStyles();
  const { t } = useTranslationRef(shiplogTranslationRef);
  return (
    <>
      {error && (
        <Alert severity="error" className={classes.alert}>
          {t('content.argoCdUnavailable', { message: error.message })}
        </Alert>
      )}
      {state?.instances
        .filter(instance => instance.status === 'error')
        .map(instance => (
          <Alert
            key={instance.name}
            severity="warning"
            className={classes.alert}
          >
            {t('content.argoCdInstanceDown', {
              instance: instance.name,
              error: instance.error ?? '',
            })}
          </Alert>
        ))}
    </>
  );
}
