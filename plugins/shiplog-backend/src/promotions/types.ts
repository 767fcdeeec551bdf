import { AuditorService } from '@backstage/backend-plugin-api';
import { Entity } from '@backstage/catalog-model';
import { Promotion, PromotionRequest } from '@shiplog/plugin-shiplog-common';

export interface CreatePromotionInput {
  entity: Entity;
  entityRef: string;
  request: PromotionRequest;
  requestedBy: string;
  automatic?: boolean;
  triggerEventId?: string;
  /** May the requester override a freeze (permission `shiplog.promotion.override`)? */
  overrideAllowed?: boolean;
  /** The HTTP request, for the audit log. */
  httpRequest?: Parameters<AuditorService['createEvent']>[0]['request'];
}

/** Creates a promotion (audited): what auto-promotion asks of the service. */
export interface PromotionCreator {
  create(input: CreatePromotionInput): Promise<Promotion>;
}

/** Who auto-promotions are requested by. */
export const AUTO_PROMOTION_ACTOR = 'shiplog';
