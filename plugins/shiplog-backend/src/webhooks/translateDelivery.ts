import {
  EnvironmentConfig,
  releaseEventInputSchema,
} from '@shiplog/plugin-shiplog-common';
import { createHash } from 'node:crypto';
import { LedgerEvent } from '../database/types';
import { ArgoNotificationPayload, translateArgoNotification } from './argocd';
import { CatalogEntityIndex } from '../catalog/CatalogEntityIndex';
import { GITHUB_EVENT_NAMES, translateGithubEvent } from './github';
import { githubObjectKey } from './githubObjectKey';
import { HarborPayload, harborPushes, translateHarborPush } from './harbor';
import { DeliveryTranslator, TranslationResult } from './WebhookInbox';
import type { IngestEventSchema } from '../ingest/readIngestSchema';

/** Topics Shiplog subscribes to in Backstage's events system. */
export const SHIPLOG_TOPICS = [
  ...GITHUB_EVENT_NAMES.map(name => `github.${name}`),
  'harbor',
  'argocd',
];

/** A stable event id per delivery and entity (and part), within the ledger's 200-character limit. */
function eventIdFor(
  deliveryId: string,
  entityRef: string,
  part?: number,
): string {
  const suffix = createHash('sha256')
    .update(entityRef)
    .digest('hex')
    .slice(0, 12);
  return `${deliveryId.slice(0, 170)}:${suffix}${
    part === undefined ? '' : `:${part}`
  }`;
}

const noEntity = (what: string): TranslationResult => ({
  ignored: `no catalog entity is annotated for ${what}`,
});

/** A GitHub delivery, for every entity whose `github.com/project-slug` names its repository. */
async function translateGithubDelivery(
  index: CatalogEntityIndex,
  eventName: string,
  payload: object,
  deliveryId: string,
  schema: IngestEventSchema,
): Promise<TranslationResult> {
  const github = payload as { repository?: { full_name?: string } };
  const fullName = github.repository?.full_name;
  if (!fullName) return { ignored: 'the delivery names no repository' };
  const entities = await index.byGithubRepository(fullName);
  if (!entities.length) return noEntity(`github.com/project-slug ${fullName}`);
  // The object's own id, not the delivery's: one deployment status re-sent under a new delivery id is
  // the same event (the ledger is idempotent on it); the delivery id stays the inbox's first filter.
  const objectKey = githubObjectKey(eventName, payload) ?? deliveryId;
  const events = entities.flatMap(({ entityRef }) =>
    translateGithubEvent(
      eventName,
      github,
      eventIdFor(objectKey, entityRef),
      entityRef,
      schema,
    ),
  );
  return events.length
    ? { events }
    : {
        ignored: `${eventName} (${
          (payload as { action?: string }).action ?? 'no action'
        }) says nothing about releases`,
      };
}

/** A Harbor delivery: one publish event per pushed tag and entity whose `shiplog.dev/image` it is. */
async function translateHarborDelivery(
  index: CatalogEntityIndex,
  payload: object,
  deliveryId: string,
  schema: IngestEventSchema,
): Promise<TranslationResult> {
  const harbor = payload as HarborPayload;
  const pushes = harborPushes(harbor);
  if (!pushes.length)
    return {
      ignored: `Harbor event ${harbor.type} carries no tagged image push`,
    };
  const events: LedgerEvent[] = [];
  for (const [part, push] of pushes.entries()) {
    for (const { entityRef } of await index.byImage(push.repository)) {
      events.push(
        translateHarborPush(
          push,
          harbor,
          eventIdFor(deliveryId, entityRef, part),
          entityRef,
          schema,
        ),
      );
    }
  }
  return events.length
    ? { events }
    : noEntity(`shiplog.dev/image ${pushes.map(p => p.repository).join(', ')}`);
}

/** An Argo CD notification, for every entity the application belongs to. */
async function translateArgoDelivery(
  index: CatalogEntityIndex,
  environments: EnvironmentConfig[],
  payload: object,
  deliveryId: string,
  schema: IngestEventSchema,
): Promise<TranslationResult> {
  const argo = payload as ArgoNotificationPayload;
  if (!argo.app)
    return { ignored: 'the notification names no application ("app")' };
  const entities = await index.byArgoApplication(
    argo.app,
    argo.labels ?? {},
    argo.instance,
  );
  if (!entities.length) return noEntity(`Argo CD application ${argo.app}`);
  const events: LedgerEvent[] = [];
  const reasons: string[] = [];
  for (const { entity, entityRef } of entities) {
    const result = translateArgoNotification(
      argo,
      eventIdFor(deliveryId, entityRef),
      entity,
      entityRef,
      environments,
      schema,
    );
    if ('ignored' in result) reasons.push(result.ignored);
    else events.push(...result.events);
  }
  return events.length ? { events } : { ignored: reasons.join('; ') };
}

/**
 * Routes a delivery by topic to its translator, resolving the entities it is about through the catalog.
 * Events are checked against `schema`: the public API's, with the configured `shiplog.ingest.maxClockSkew`.
 */
export function createDeliveryTranslator(
  index: CatalogEntityIndex,
  environments: EnvironmentConfig[],
  schema: IngestEventSchema = releaseEventInputSchema,
): DeliveryTranslator {
  return async (topic, payload, deliveryId) => {
    if (typeof payload !== 'object' || payload === null) {
      return { ignored: 'the body is not a JSON object' };
    }
    if (topic.startsWith('github.')) {
      const eventName = topic.slice('github.'.length);
      return translateGithubDelivery(
        index,
        eventName,
        payload,
        deliveryId,
        schema,
      );
    }
    if (topic === 'harbor') {
      return translateHarborDelivery(index, payload, deliveryId, schema);
    }
    if (topic === 'argocd') {
      return translateArgoDelivery(
        index,
        environments,
        payload,
        deliveryId,
        schema,
      );
    }
    return { ignored: `topic ${topic} is not one Shiplog handles` };
  };
}
