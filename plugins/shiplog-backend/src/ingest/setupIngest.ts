import {
  AuthService,
  LoggerService,
  RootConfigService,
} from '@backstage/backend-plugin-api';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { IngestScopes } from './IngestScopes';
import { readIngestEventSchema } from './readIngestSchema';

/** `shiplog.ingest`: who may report for which entities, and the event schema with the configured clock skew. */
export function setupIngest(deps: {
  config: RootConfigService;
  catalog: CatalogService;
  auth: AuthService;
  logger: LoggerService;
}) {
  return {
    scopes: IngestScopes.fromConfig(deps.config, deps),
    eventSchema: readIngestEventSchema(deps.config),
  };
}
