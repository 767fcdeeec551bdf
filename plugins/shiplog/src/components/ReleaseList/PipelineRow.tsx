import { useTranslationRef } from '@backstage/core-plugin-api/alpha';
import Tooltip from '@material-ui/core/Tooltip';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import { Release } from '@shiplog/plugin-shiplog-common';
import { shiplogTranslationRef } from '../../translation';
import { exactTime } from '../../utils/format';
import { StatusIcon } from '../StatusIndicator';

const useStyles = makeStyles(
  theme => ({
    row: { display: 'flex', flexWrap: 'wrap', gap: theme.spacing(0.5) },
  }),
  { name: 'ShiplogPipelineRow' },
);

interface PipelineStep {
  name: string;
  status?: string;
  at?: string;
}

function pipelineSteps(
  release: Release,
  environments: string[],
): PipelineStep[] {
  return [
    {
      name: 'build',
      status: release.stages.build?.status,
      at: release.stages.build?.at,
    },
    {
      name: 'publish',
      status: release.stages.publish?.status,
      at: release.stages.publish?.at,
    },
    ...environments.map(env => ({
      name: env,
      status: release.deployments[env]?.status,
      at: release.deployments[env]?.at,
    })),
  ];
}

/** build → publish → one step per environment, as a compact progress row. */
export function PipelineRow({
  release,
  environments,
}: {
  release: Release;
  environments: string[];
}) {
  const classes = useStyles();
  const { t } = useTranslationRef(shiplogTranslationRef);
  return (
    <div className={classes.row}>
      {pipelineSteps(release, environments).map(step => (
        <Tooltip
          key={step.name}
          title={
            step.status
              ? t('releases.stepDone', {
                  step: step.name,
                  status: step.status.replace('_', ' '),
                  time: exactTime(step.at),
                })
              : t('releases.stepNotYet', { step: step.name })
          }
        >
          <span>
            {step.status ? (
              // The step's name is its label: no translation hook per step.
              <StatusIcon status={step.status}>{step.name}</StatusIcon>
            ) : (
              <Typography variant="caption" color="textSecondary">
                {step.name}
              </Typography>
            )}
          </span>
        </Tooltip>
      ))}
    </div>
  );
}
