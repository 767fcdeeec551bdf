import {
  BackstageCredentials,
  coreServices,
  createBackendModule,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import {
  catalogConditions,
  createCatalogConditionalDecision,
} from '@backstage/plugin-catalog-backend/alpha';
import {
  AuthorizeResult,
  isPermission,
  PolicyDecision,
} from '@backstage/plugin-permission-common';
import {
  PermissionPolicy,
  PolicyQuery,
  PolicyQueryUser,
} from '@backstage/plugin-permission-node';
import { policyExtensionPoint } from '@backstage/plugin-permission-node/alpha';
import {
  shiplogArgocdSyncPermission,
  shiplogPromotionCreatePermission,
} from '@shiplog/plugin-shiplog-common';
import {
  createShiplogPromotionConditionalDecision,
  shiplogPromotionConditions,
} from '@shiplog/plugin-shiplog-node';

/**
 * The demo portal's permission policy, a sample to adapt: everything is allowed, except what changes
 * production. Promoting to `prod` (`shiplog.promotion.create` on the resource
 * `<entityRef>@prod`) and starting an Argo CD sync (`shiplog.argocd.sync`) are allowed only to the
 * owners of the component: the user, or a group the user belongs to.
 */
export class ShiplogDemoPolicy implements PermissionPolicy {
  constructor(
    private readonly userInfo: UserInfoService,
    private readonly productionEnvironments: string[] = ['prod'],
  ) {}

  private async claims(credentials: BackstageCredentials): Promise<string[]> {
    return (await this.userInfo.getUserInfo(credentials)).ownershipEntityRefs;
  }

  async handle(
    request: PolicyQuery,
    user?: PolicyQueryUser,
  ): Promise<PolicyDecision> {
    if (isPermission(request.permission, shiplogPromotionCreatePermission)) {
      if (!user) return { result: AuthorizeResult.DENY };
      return createShiplogPromotionConditionalDecision(request.permission, {
        anyOf: [
          {
            not: shiplogPromotionConditions.isEnvironment({
              environments: this.productionEnvironments,
            }),
          },
          shiplogPromotionConditions.isEntityOwner({
            claims: await this.claims(user.credentials),
          }),
        ],
      });
    }
    if (isPermission(request.permission, shiplogArgocdSyncPermission)) {
      if (!user) return { result: AuthorizeResult.DENY };
      return createCatalogConditionalDecision(
        request.permission,
        catalogConditions.isEntityOwner({
          claims: await this.claims(user.credentials),
        }),
      );
    }
    return { result: AuthorizeResult.ALLOW };
  }
}

/** Installs {@link ShiplogDemoPolicy} in the permission backend. */
export default createBackendModule({
  pluginId: 'permission',
  moduleId: 'shiplog-demo-policy',
  register(env) {
    env.registerInit({
      deps: {
        policy: policyExtensionPoint,
        userInfo: coreServices.userInfo,
      },
      async init({ policy, userInfo }) {
        policy.setPolicy(new ShiplogDemoPolicy(userInfo));
      },
    });
  },
});
