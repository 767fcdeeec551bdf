import Typography from '@material-ui/core/Typography';
import { Release } from '@shiplog/plugin-shiplog-common';
import { LazyTooltip } from '../Deferred';
import { StatusIcon } from '../StatusIndicator';
import { ReleaseCellClasses, ReleaseLabels } from './releaseLabels';

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

/** build → publish → one step per environment, as a compact progress row; styles and words from the table. */
export function PipelineRow({
  release,
  environments,
  classes,
  labels,
}: {
  release: Release;
  environments: string[];
  classes: ReleaseCellClasses;
  labels: ReleaseLabels;
}) {
  return (
    <div className={classes.row}>
      {pipelineSteps(release, environments).map(step => (
        <LazyTooltip
          key={step.name}
          title={
            step.status
              ? labels.stepDone(step.name, step.status, step.at)
              : labels.stepNotYet(step.name)
          }
        >
          {step.status ? (
            // The step's name is its label: no translation hook per step.
            <StatusIcon status={step.status}>{step.name}</StatusIcon>
          ) : (
            <Typography variant="caption" color="textSecondary">
              {step.name}
            </Typography>
          )}
        </LazyTooltip>
      ))}
    </div>
  );
}
