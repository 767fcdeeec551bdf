import {
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import express from 'express';
import Router from 'express-promise-router';
import { createOpenApiRouter } from '../schema/openapi';
import { ArgoCdService } from '../argocd/ArgoCdService';
import { PromotionService } from '../promotions/PromotionService';
import { LedgerService } from '../ledger/LedgerService';
import { OrgViewService } from '../ledger/OrgViewService';
import { registerArgoCdRoutes } from './argocdRoutes';
import { EntityAccess } from './entityAccess';
import { EntityLoader } from './EntityLoader';
import { EventIngester, registerIngestRoutes } from './ingestRoutes';
import { registerLedgerRoutes } from './ledgerRoutes';
import { registerOrgRoutes } from './orgRoutes';
import { registerNextVersionRoutes } from './nextVersionRoutes';
import { NextVersionService } from '../ledger/NextVersionService';
import { registerPromotionRoutes } from './promotionRoutes';

export interface RouterOptions {
  httpAuth: HttpAuthService;
  /** Stores validated events; a ledger store, or a CoalescingIngester in front of one. */
  ingester: EventIngester;
  ledger: LedgerService;
  /** The next version of a commit, from the ledger's commits since the last release. */
  nextVersion: NextVersionService;
  entities: EntityLoader;
  permissions: PermissionsService;
  argocd: ArgoCdService;
  /** Org views (rollup, DORA); without them their routes answer 501. */
  orgViews?: OrgViewService;
  /** Promotions; without them their routes answer 501. */
  promotions?: PromotionService;
  /** Ingest scopes and the configured event schema (`shiplog.ingest`); without them, the defaults. */
  ingest?: Pick<
    Parameters<typeof registerIngestRoutes>[1],
    'scopes' | 'eventSchema'
  >;
}

/** A full batch of 500 events with long commit lists stays well under this; anything larger is refused with 413. */
export const MAX_BODY_SIZE = '5mb';

/** The plugin's HTTP API: one thin set of handlers per resource, all reaching entities through EntityAccess. */
export async function createRouter(
  options: RouterOptions,
): Promise<express.Router> {
  const { httpAuth, permissions, entities } = options;
  const access = new EntityAccess({ httpAuth, permissions, entities });
  // The spec types every handler's request and response (see ShiplogRouter). Requests are validated
  // by the handlers, after authentication and with zod schemas that name the field in a 400 and
  // normalise refs and versions: the spec validator would answer unauthenticated callers first, in
  // its own words, and Backstage's httpAuth, not the validator, checks credentials.
  const router = await createOpenApiRouter({
    middleware: [express.json({ limit: MAX_BODY_SIZE })],
    validatorOptions: { validateRequests: false, validateSecurity: false },
  });
  // The body is parsed out here first: the OpenAPI router turns every error before its handlers
  // into a 400, and an oversized body must stay a 413.
  const outer = Router();
  outer.use(express.json({ limit: MAX_BODY_SIZE }));
  outer.use(router);
  registerIngestRoutes(router, {
    httpAuth,
    ingester: options.ingester,
    ...options.ingest,
  });
  registerLedgerRoutes(router, {
    access,
    ledger: options.ledger,
    withSafety: options.promotions
      ? matrix => options.promotions!.withSafety(matrix)
      : undefined,
  });
  registerOrgRoutes(router, { access, orgViews: options.orgViews });
  registerNextVersionRoutes(router, {
    access,
    nextVersion: options.nextVersion,
  });
  registerArgoCdRoutes(router, { access, argocd: options.argocd });
  registerPromotionRoutes(router, {
    access,
    promotions: options.promotions,
  });
  return outer;
}
