import { usePermission } from '@backstage/plugin-permission-react';
import {
  promotionResourceRef,
  shiplogPromotionCreatePermission,
} from '@shiplog/plugin-shiplog-common';

/**
 * Whether the user may promote the entity to the environment: `shiplog.promotion.create` on the
 * (entity, environment) pair the backend checks when the promotion is made.
 */
export function usePromotePermission(entityRef: string, environment: string) {
  return usePermission({
    permission: shiplogPromotionCreatePermission,
    resourceRef: promotionResourceRef(entityRef, environment),
  });
}
