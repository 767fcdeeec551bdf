import { parseEntityRef } from '@backstage/catalog-model';
import { Link } from '@backstage/core-components';
import { useRouteRef } from '@backstage/core-plugin-api';
import { useTranslationRef } from '@backstage/core-plugin-api/alpha';
import { entityRouteRef } from '@backstage/plugin-catalog-react';
import { RollupComponent } from '@shiplog/plugin-shiplog-common';
import { shiplogTranslationRef } from '../../translation';
import { componentName } from './rollupRows';

/** The component's name, linking to its own Deployments tab. */
export function ComponentLink(props: { component: RollupComponent }) {
  const entityRoute = useRouteRef(entityRouteRef);
  const { t } = useTranslationRef(shiplogTranslationRef);
  const { kind, namespace, name } = parseEntityRef(props.component.entityRef);
  const label = componentName(props.component);
  return (
    <Link
      to={`${entityRoute({ kind, namespace, name })}/deployments`}
      title={t('orgViews.openTab', { name: label })}
    >
      {label}
    </Link>
  );
}
