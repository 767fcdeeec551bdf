import { CompoundEntityRef } from '@backstage/catalog-model';
import { useApi } from '@backstage/core-plugin-api';
import useAsync from 'react-use/esm/useAsync';
import { shiplogApiRef } from '../api/ShiplogApi';

/**
 * What promoting `version` to `environment` would do (a dry run on the backend): every guard's
 * verdict, the changelog and the GitOps change. Nothing is fetched while `enabled` is false.
 */
export function usePromotionPreview(
  entityRef: CompoundEntityRef,
  request: {
    version: string;
    environment: string;
    rollback: boolean;
    /** Judge the freeze guard as overridden (and the caller's right to override it). */
    overrideFreeze?: boolean;
    enabled: boolean;
  },
) {
  const api = useApi(shiplogApiRef);
  const { version, environment, rollback, enabled } = request;
  const overrideFreeze = request.overrideFreeze ?? false;
  return useAsync(
    async () =>
      enabled && version
        ? api.previewPromotion(entityRef, {
            version,
            environment,
            rollback,
            ...(overrideFreeze ? { overrideFreeze } : {}),
          })
        : undefined,
    [
      api,
      entityRef.kind,
      entityRef.namespace,
      entityRef.name,
      environment,
      version,
      rollback,
      overrideFreeze,
      enabled,
    ],
  );
}
