import Grid from '@material-ui/core/Grid';
import { EnvironmentStatus } from '@shiplog/plugin-shiplog-common';
import { ReactNode } from 'react';
import { EnvironmentColumn } from './EnvironmentColumn';

/** One column per environment, in promotion order; `footer` adds live state (Argo CD) or actions to a column. */
export function EnvironmentMatrix({
  environments,
  footer,
  onReleaseHold,
}: {
  environments: EnvironmentStatus[];
  footer?: (environment: EnvironmentStatus) => ReactNode;
  /** Releases an environment's hold; without it no Release button shows. */
  onReleaseHold?: (environment: string) => void;
}) {
  const width = Math.max(
    3,
    Math.floor(12 / Math.max(environments.length, 1)),
  ) as 3 | 4 | 6 | 12;
  return (
    <Grid container spacing={2} alignItems="stretch">
      {environments.map(env => (
        <Grid item xs={12} sm={6} md={width} key={env.name}>
          <EnvironmentColumn
            env={env}
            footer={footer?.(env)}
            onReleaseHold={
              onReleaseHold ? () => onReleaseHold(env.name) : undefined
            }
          />
        </Grid>
      ))}
    </Grid>
  );
}
