import {
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import express from 'express';
import Router from 'express-promise-router';
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
  const router = Router();
  router.use(express.json({ limit: MAX_BODY_SIZE }));
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
  return router;
}
