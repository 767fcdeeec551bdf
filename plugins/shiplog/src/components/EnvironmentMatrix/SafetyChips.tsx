import { useTranslationRef } from '@backstage/core-plugin-api/alpha';
import Button from '@material-ui/core/Button';
import Chip from '@material-ui/core/Chip';
import Tooltip from '@material-ui/core/Tooltip';
import { EnvironmentStatus } from '@shiplog/plugin-shiplog-common';
import { shiplogTranslationRef } from '../../translation';
import { exactTime, relativeTime } from '../../utils/format';

/**
 * The safety net on an environment: who holds it and why (with Release where the viewer may), the
 * freeze window in force or coming, and its soak time.
 */
export function SafetyChips(props: {
  env: EnvironmentStatus;
  /** Releases the hold; absent where the viewer may not. */
  onReleaseHold?: () => void;
  releasing?: boolean;
}) {
  const { t } = useTranslationRef(shiplogTranslationRef);
  const { hold, freeze, policy } = props.env;
  return (
    <>
      {hold && (
        <Tooltip
          title={t('environment.heldBy', {
            actor: hold.heldBy,
            time: relativeTime(hold.since),
            reason: hold.reason,
          })}
        >
          <Chip
            size="small"
            color="secondary"
            label={t('environment.held')}
            data-testid={`hold-${props.env.name}`}
          />
        </Tooltip>
      )}
      {hold && props.onReleaseHold && (
        <Button
          size="small"
          variant="outlined"
          disabled={props.releasing}
          onClick={props.onReleaseHold}
        >
          {t('environment.releaseHold')}
        </Button>
      )}
      {freeze && (
        <Tooltip
          title={
            freeze.active
              ? t('environment.freezeUntil', {
                  name: freeze.name,
                  to: exactTime(freeze.to),
                })
              : t('environment.freezeFrom', {
                  name: freeze.name,
                  from: exactTime(freeze.from),
                  to: exactTime(freeze.to),
                })
          }
        >
          <Chip
            size="small"
            color={freeze.active ? 'secondary' : 'default'}
            variant={freeze.active ? 'default' : 'outlined'}
            label={
              freeze.active
                ? t('environment.frozen', { name: freeze.name })
                : t('environment.freezeComing', {
                    name: freeze.name,
                    time: relativeTime(freeze.from),
                  })
            }
          />
        </Tooltip>
      )}
      {policy.soakTime && (
        <Chip
          size="small"
          variant="outlined"
          label={t('environment.soak', {
            minutes: String(policy.soakTime.minutes),
          })}
        />
      )}
    </>
  );
}
