import { Link } from '@backstage/core-components';
import { RollupComponent } from '@shiplog/plugin-shiplog-common';
import { componentName } from './rollupRows';
import { RollupLabels, useRollupLabels } from './rollupLabels';

/** The component's name, linking to its own Deployments tab; `labels` from a table that has them. */
export function ComponentLinkView(props: {
  component: RollupComponent;
  labels: RollupLabels;
}) {
  const { component, labels } = props;
  const label = componentName(component);
  return (
    <Link to={labels.tabPath(component)} title={labels.openTab(label)}>
      {label}
    </Link>
  );
}

/** The component's name, linking to its own Deployments tab. */
export function ComponentLink(props: { component: RollupComponent }) {
  return (
    <ComponentLinkView component={props.component} labels={useRollupLabels()} />
  );
}
