import {
  BackstageCredentials,
  BackstagePrincipalTypes,
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { Entity } from '@backstage/catalog-model';
import { NotAllowedError } from '@backstage/errors';
import {
  AuthorizeResult,
  ResourcePermission,
} from '@backstage/plugin-permission-common';
import { EntityLoader } from './EntityLoader';

/** The principals Shiplog's routes admit: signed-in users, and services (CI tokens, other plugins). */
export type CallerType = 'user' | 'service';

export type CallerCredentials<T extends CallerType> = BackstageCredentials<
  BackstagePrincipalTypes[T]
>;

/**
 * A request of a route under `/v1/entities/{kind}/{namespace}/{name}` (its path parameters), whatever
 * the spec types its body and query as.
 */
export type EntityRequest = Parameters<HttpAuthService['credentials']>[0] & {
  params: Record<string, string>;
};

/** A permission asked about the entity of a request (or a resource derived from it). */
export interface EntityPermissionCheck {
  permission: ResourcePermission;
  /** The resource the permission is checked on; the entity itself by default. */
  resourceRef?: (entityRef: string) => string;
  /** Refuse with 403 and this message when denied; without it the decision is only reported. */
  deniedMessage?: (entityRef: string) => string;
}

export interface EntityAccessResult<T extends CallerType> {
  entity: Entity;
  /** The normalised reference, `component:default/checkout`. */
  entityRef: string;
  credentials: CallerCredentials<T>;
  /** What the permission policy decided (true where no permission was asked about). */
  allowed: boolean;
}

/**
 * The one way a route reaches an entity: credentials first (401 without, 403 for a principal type the
 * route does not admit), then the entity of `:kind/:namespace/:name` as the caller may see it (404), then
 * the permission, before any side effect.
 */
export class EntityAccess {
  constructor(
    private readonly options: {
      httpAuth: HttpAuthService;
      permissions: PermissionsService;
      entities: EntityLoader;
    },
  ) {}

  /** Authenticates, loads the entity and checks the permission, in that order. */
  async load<T extends CallerType = CallerType>(
    req: EntityRequest,
    options: { allow?: T[]; check?: EntityPermissionCheck } = {},
  ): Promise<EntityAccessResult<T>> {
    const allow = options.allow ?? (['user', 'service'] as T[]);
    const credentials = await this.authenticate(req, allow);
    return this.loadFor(req, credentials, options.check);
  }

  /** The first step alone, for a route that validates its body between authenticating and loading. */
  authenticate<T extends CallerType>(
    req: EntityRequest,
    allow: T[],
  ): Promise<CallerCredentials<T>> {
    return this.options.httpAuth.credentials(req, { allow });
  }

  /** The entity of the route's `:kind/:namespace/:name` for authenticated credentials, and the permission. */
  async loadFor<T extends CallerType>(
    req: EntityRequest,
    credentials: CallerCredentials<T>,
    check?: EntityPermissionCheck,
  ): Promise<EntityAccessResult<T>> {
    const { kind, namespace, name } = req.params;
    const { entity, entityRef } = await this.options.entities.load(
      { kind, namespace, name },
      credentials,
    );
    const allowed = check
      ? await this.isAllowed(credentials, {
          permission: check.permission,
          resourceRef: check.resourceRef?.(entityRef) ?? entityRef,
        })
      : true;
    if (!allowed && check?.deniedMessage) {
      throw new NotAllowedError(check.deniedMessage(entityRef));
    }
    return { entity, entityRef, credentials, allowed };
  }

  /** A further permission on a resource of an entity the caller already reached through loadFor. */
  async isAllowed(
    credentials: BackstageCredentials,
    check: { permission: ResourcePermission; resourceRef: string },
  ): Promise<boolean> {
    const [decision] = await this.options.permissions.authorize(
      [{ permission: check.permission, resourceRef: check.resourceRef }],
      { credentials },
    );
    return decision.result === AuthorizeResult.ALLOW;
  }
}
