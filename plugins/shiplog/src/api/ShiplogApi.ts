import { CompoundEntityRef } from '@backstage/catalog-model';
import { createApiRef } from '@backstage/core-plugin-api';
import {
  ChangelogResponse,
  Deployment,
  EnvironmentsResponse,
  Page,
  Release,
} from '@shiplog/plugin-shiplog-common';

/** @public */
export interface DeploymentsQuery {
  environment?: string;
  status?: Deployment['status'];
  cursor?: string;
  limit?: number;
}

/**
 * Reads Shiplog's backend API for one entity.
 *
 * @public
 */
export interface ShiplogApi {
  getEnvironments(entity: CompoundEntityRef): Promise<EnvironmentsResponse>;
  getReleases(
    entity: CompoundEntityRef,
    options?: { cursor?: string; limit?: number },
  ): Promise<Page<Release>>;
  getDeployments(
    entity: CompoundEntityRef,
    query?: DeploymentsQuery,
  ): Promise<Page<Deployment>>;
  getChangelog(
    entity: CompoundEntityRef,
    from: string,
    to: string,
  ): Promise<ChangelogResponse>;
}

/** @public */
export const shiplogApiRef = createApiRef<ShiplogApi>({
  id: 'plugin.shiplog.api',
});
