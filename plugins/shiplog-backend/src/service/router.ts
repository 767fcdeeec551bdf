import {
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import {
  changelogQuerySchema,
  deploymentsQuerySchema,
  IngestResponse,
  ingestBatchSchema,
  releaseEventInputSchema,
  ReleaseEvent,
  releasesQuerySchema,
} from '@shiplog/plugin-shiplog-common';
import express from 'express';
import Router from 'express-promise-router';
import { ArgoCdService } from '../argocd/ArgoCdService';
import { registerArgoCdRoutes } from './argocdRoutes';
import { EntityLoader } from './EntityLoader';
import { LedgerService } from '../ledger/LedgerService';
import {
  PromotionRoutesOptions,
  registerPromotionRoutes,
} from './promotionRoutes';
import { describeZodError, parseInput } from './validation';

export interface RouterOptions {
  httpAuth: HttpAuthService;
  /** Stores validated events; a LedgerStore, or a CoalescingIngester in front of one. */
  ingester: { ingest(events: ReleaseEvent[]): Promise<IngestResponse> };
  ledger: LedgerService;
  entities: EntityLoader;
  permissions: PermissionsService;
  argocd: ArgoCdService;
  /** Promotions; without them their routes answer 501. */
  promotions?: PromotionRoutesOptions;
}

/** A full batch of 500 events with long commit lists stays well under this; anything larger is refused with 413. */
export const MAX_BODY_SIZE = '5mb';

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Validates the body of `POST /v1/events`: one event, or `{ events: [...] }`. All valid, or a 400 and nothing stored. */
export function parseIngestBody(body: unknown): ReleaseEvent[] {
  if (!isRecord(body)) {
    throw new InputError(
      'Invalid input: (body): must be a JSON object: one event, or { "events": [...] }',
    );
  }
  if ('events' in body) {
    const batch = parseInput(ingestBatchSchema, body);
    const events: ReleaseEvent[] = [];
    const problems: string[] = [];
    batch.events.forEach((event, index) => {
      const result = releaseEventInputSchema.safeParse(event);
      if (result.success) events.push(result.data);
      else
        problems.push(
          describeZodError(result.error, `events[${index}]`).replace(
            /^Invalid input: /,
            '',
          ),
        );
    });
    if (problems.length) {
      const shown = problems.slice(0, 10).join('; ');
      throw new InputError(
        `Invalid input, nothing was stored: ${shown}${
          problems.length > 10
            ? ` (and ${problems.length - 10} more invalid events)`
            : ''
        }`,
      );
    }
    return events;
  }
  return [parseInput(releaseEventInputSchema, body)];
}

/** Thin HTTP layer: validate, authenticate, load the entity, call the service. */
export async function createRouter(
  options: RouterOptions,
): Promise<express.Router> {
  const { httpAuth, ingester, ledger, entities, permissions, argocd } = options;
  const router = Router();
  router.use(express.json({ limit: MAX_BODY_SIZE }));

  router.post('/v1/events', async (req, res) => {
    // Only services report events: CI with a static external-access token, or other backend plugins.
    await httpAuth.credentials(req, { allow: ['service'] });
    const events = parseIngestBody(req.body);
    const result: IngestResponse = await ingester.ingest(events);
    res.status(202).json(result);
  });

  const entityRoute = '/v1/entities/:kind/:namespace/:name';
  const loadEntity = async (req: express.Request) => {
    const credentials = await httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    const { kind, namespace, name } = req.params;
    return entities.load({ kind, namespace, name }, credentials);
  };

  router.get(`${entityRoute}/environments`, async (req, res) => {
    const { entity, entityRef } = await loadEntity(req);
    res.json(await ledger.getEnvironments(entityRef, entity));
  });

  router.get(`${entityRoute}/releases`, async (req, res) => {
    const query = parseInput(releasesQuerySchema, req.query);
    const { entityRef } = await loadEntity(req);
    res.json(await ledger.listReleases(entityRef, query));
  });

  router.get(`${entityRoute}/deployments`, async (req, res) => {
    const query = parseInput(deploymentsQuerySchema, req.query);
    const { entityRef } = await loadEntity(req);
    res.json(await ledger.listDeployments(entityRef, query));
  });

  router.get(`${entityRoute}/changelog`, async (req, res) => {
    const query = parseInput(changelogQuerySchema, req.query);
    const { entityRef } = await loadEntity(req);
    res.json(await ledger.getChangelog(entityRef, query.from, query.to));
  });

  registerArgoCdRoutes(router, entityRoute, {
    httpAuth,
    permissions,
    entities,
    argocd,
    ingester,
  });

  registerPromotionRoutes(router, options.promotions);

  return router;
}
