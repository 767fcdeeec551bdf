import {
  BackstageCredentials,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { ActionsRegistryService } from '@backstage/backend-plugin-api/alpha';
import { parseEntityRef } from '@backstage/catalog-model';
import { InputError, NotAllowedError } from '@backstage/errors';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  parseDoraWindow,
  promotionRequestSchema,
  promotionResourceRef,
  shiplogPromotionCreatePermission,
} from '@shiplog/plugin-shiplog-common';
import { OrgViewService } from '../ledger/OrgViewService';
import { PromotionService } from '../promotions/PromotionService';
import { EntityLoader } from '../routes/EntityLoader';
import { describeZodError } from '../routes/validation';
import {
  doraOutput,
  entityRefInput,
  previewInput,
  rollupOutput,
} from './actionSchemas';

export interface ShiplogActionsOptions {
  actionsRegistry: ActionsRegistryService;
  entities: EntityLoader;
  orgViews: OrgViewService;
  permissions: PermissionsService;
  /** Without promotions, the preview action is not registered. */
  promotions?: PromotionService;
}

/** The entity an action names, as the caller may see it in the catalog (a 404-like error otherwise). */
async function loadEntity(
  entities: EntityLoader,
  entityRef: string,
  credentials: BackstageCredentials,
) {
  let ref;
  try {
    ref = parseEntityRef(entityRef, {
      defaultKind: 'component',
      defaultNamespace: 'default',
    });
  } catch (error) {
    throw new InputError(`entityRef: ${(error as Error).message}`);
  }
  return entities.load(ref, credentials);
}

/**
 * Shiplog's answers as actions of Backstage's actions registry, so MCP clients (through
 * `@backstage/plugin-mcp-actions-backend`) can ask what runs where, how a team delivers and what a
 * promotion would do. All are read-only: the caller's read access to the entity (the catalog's
 * permission) is what the first two need; the promotion preview needs `shiplog.promotion.create` on
 * the target environment, as promoting would.
 */
export function registerShiplogActions(options: ShiplogActionsOptions): void {
  registerWhatRunsWhere(options);
  registerDoraMetrics(options);
  if (options.promotions) {
    registerPreviewAction({ ...options, promotions: options.promotions });
  }
}

function registerWhatRunsWhere({
  actionsRegistry,
  entities,
  orgViews,
}: ShiplogActionsOptions) {
  actionsRegistry.register({
    name: 'what-runs-where',
    title: 'What runs where',
    description:
      'For a Component, System, Group or Domain: each component it covers × each environment, with the deployed version, its status, since when, how many releases and commits it is behind the environment before it, merged-but-undeployed commits, and whether its last deployment failed.',
    attributes: { readOnly: true, idempotent: true },
    schema: {
      input: z => z.object({ entityRef: entityRefInput(z) }),
      output: rollupOutput,
    },
    action: async ({ input, credentials }) => {
      const { entity } = await loadEntity(
        entities,
        input.entityRef,
        credentials,
      );
      return { output: await orgViews.rollup(entity, credentials) };
    },
  });
}

function registerDoraMetrics({
  actionsRegistry,
  entities,
  orgViews,
}: ShiplogActionsOptions) {
  actionsRegistry.register({
    name: 'dora-metrics',
    title: 'DORA metrics',
    description:
      "DORA's five metrics (deployment frequency, lead time for changes, change fail rate, failed deployment recovery time, rework rate) and their weekly series, for the components a Component, System, Group or Domain covers, in the production environment, over [from, to) (default the last 30 days). Ratios with nothing counted are null.",
    attributes: { readOnly: true, idempotent: true },
    schema: {
      input: z =>
        z.object({
          entityRef: entityRefInput(z),
          from: z.string().optional().describe('A date or ISO date-time'),
          to: z.string().optional().describe('A date or ISO date-time'),
        }),
      output: doraOutput,
    },
    action: async ({ input, credentials }) => {
      const window = parseDoraWindow(input);
      if ('error' in window) {
        throw new InputError(window.error);
      }
      const { entity } = await loadEntity(
        entities,
        input.entityRef,
        credentials,
      );
      return { output: await orgViews.dora(entity, credentials, window) };
    },
  });
}

function registerPreviewAction(
  options: ShiplogActionsOptions & { promotions: PromotionService },
) {
  const { actionsRegistry, entities, permissions, promotions } = options;
  actionsRegistry.register({
    name: 'preview-promotion',
    title: 'Preview a promotion',
    description:
      "What promoting a version of a component to an environment would do, without doing it: every guard's verdict (and how to override a refusal), the GitOps change it would make and the changelog it would carry. Needs the shiplog.promotion.create permission on that environment.",
    attributes: { readOnly: true, idempotent: true },
    schema: {
      input: previewInput,
      output: z => z.object({}).passthrough(),
    },
    action: async ({ input, credentials }) => {
      const parsed = promotionRequestSchema.safeParse({
        version: input.version,
        environment: input.environment,
        rollback: input.rollback ?? false,
        dryRun: true,
      });
      if (!parsed.success) {
        throw new InputError(describeZodError(parsed.error));
      }
      const request = parsed.data;
      const { entity, entityRef } = await loadEntity(
        entities,
        input.entityRef,
        credentials,
      );
      const [decision] = await permissions.authorize(
        [
          {
            permission: shiplogPromotionCreatePermission,
            resourceRef: promotionResourceRef(entityRef, request.environment),
          },
        ],
        { credentials },
      );
      if (decision.result !== AuthorizeResult.ALLOW) {
        throw new NotAllowedError(
          `You may not promote ${entityRef} to ${request.environment} (permission shiplog.promotion.create), so you may not preview it either`,
        );
      }
      const preview = await promotions.preview(
        entity,
        entityRef,
        request,
        true,
      );
      return { output: JSON.parse(JSON.stringify(preview)) };
    },
  });
}
