import { createApp } from '@backstage/frontend-defaults';
import catalogPlugin from '@backstage/plugin-catalog/alpha';
import { createShiplogCatalogColumnsModule } from '@shiplog/plugin-shiplog/alpha';
import { navModule } from './modules/nav';
import { homeModule } from './modules/home';

export default createApp({
  features: [
    catalogPlugin,
    navModule,
    homeModule,
    // The version each component runs per environment, as columns of the catalog table.
    createShiplogCatalogColumnsModule({
      environments: ['dev', 'qa', 'stage', 'prod'],
    }),
  ],
});
