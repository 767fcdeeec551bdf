import { Entity } from '@backstage/catalog-model';
import { TableColumn } from '@backstage/core-components';
import { DeployedVersionCell } from './DeployedVersionCell';

/**
 * Catalog table columns with the version each component runs in the given environments, for
 * `CatalogIndexPage`'s `columns` (legacy `@backstage/plugin-catalog`, and the new frontend system's
 * `CatalogIndexPage` from `@backstage/plugin-catalog/alpha`):
 *
 * ```tsx
 * <CatalogIndexPage
 *   columns={context => [
 *     ...CatalogTable.defaultColumnsFunc(context),
 *     ...createShiplogVersionColumns({ environments: ['dev', 'stage', 'prod'] }),
 *   ]}
 * />
 * ```
 *
 * Only Components get a value; each row costs one request for all its columns.
 *
 * @public
 */
export function createShiplogVersionColumns<
  TRow extends { entity: Entity } = { entity: Entity },
>(options: {
  environments: string[];
  /** Column title per environment; default the environment's name. */
  title?: (environment: string) => string;
}): TableColumn<TRow>[] {
  return options.environments.map(environment => ({
    title: options.title?.(environment) ?? environment,
    field: `shiplog.${environment}`,
    sorting: false,
    render: ({ entity }) =>
      entity.kind.toLocaleLowerCase('en-US') === 'component' ? (
        <DeployedVersionCell entity={entity} environment={environment} />
      ) : null,
  }));
}
