import { createFrontendModule } from '@backstage/frontend-plugin-api';
import { CatalogTable } from '@backstage/plugin-catalog';
import catalogPlugin, {
  CatalogIndexPage,
  CatalogTableColumnsFunc,
  CatalogTableRow,
} from '@backstage/plugin-catalog/alpha';
import { createShiplogVersionColumns } from '../components/CatalogColumns';

/**
 * The new frontend system's equivalent of passing `createShiplogVersionColumns` to the legacy
 * `CatalogIndexPage`: a module of the catalog plugin whose catalog page has, after the default
 * columns, the version each component runs in the given environments.
 *
 * ```ts
 * createApp({ features: [catalogPlugin, createShiplogCatalogColumnsModule({ environments: ['dev', 'prod'] })] })
 * ```
 *
 * @alpha
 */
export function createShiplogCatalogColumnsModule(options: {
  environments: string[];
}) {
  const columns: CatalogTableColumnsFunc = context => [
    ...CatalogTable.defaultColumnsFunc(context),
    ...createShiplogVersionColumns<CatalogTableRow>(options),
  ];
  return createFrontendModule({
    pluginId: 'catalog',
    extensions: [
      catalogPlugin.getExtension('page:catalog').override({
        params: {
          loader: async () => <CatalogIndexPage columns={columns} />,
        },
      }),
    ],
  });
}
