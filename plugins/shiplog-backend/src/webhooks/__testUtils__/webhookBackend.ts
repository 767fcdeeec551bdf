import {
  BackendFeature,
  coreServices,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import {
  mockServices,
  startTestBackend,
  TestDatabaseId,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import eventsPlugin from '@backstage/plugin-events-backend';
import { eventsServiceRef } from '@backstage/plugin-events-node';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import examples from '@octokit/webhooks-examples';
import eventsModuleShiplog from '@shiplog/plugin-events-backend-module-shiplog';
import { JsonObject } from '@backstage/types';
import { Knex } from 'knex';
import { createHmac } from 'node:crypto';
import { dirname, join } from 'node:path';
import request from 'supertest';
import { shiplogPlugin } from '../../plugin';

export const GITHUB_SECRET = 'github-test-secret';
export const HARBOR_SECRET = 'harbor-test-secret';
export const ARGOCD_SECRET = 'argocd-test-secret';

export const webhookEntity: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'hello-world',
    namespace: 'default',
    annotations: {
      'github.com/project-slug': 'Codertocat/Hello-World',
      'shiplog.dev/image': 'harbor.acme.io/shop/hello-world',
      'argocd/app-selector': 'app.kubernetes.io/name=hello-world',
    },
  },
  spec: { type: 'service', owner: 'team', lifecycle: 'production' },
};

export type Example = { name: string; examples: unknown[] };

/** A real payload from @octokit/webhooks-examples, copied so a test may change it. */
export function example<T>(
  name: string,
  pick: (payload: T) => boolean = () => true,
): T {
  const found = (examples as Example[])
    .find(e => e.name === name)!
    .examples.find(payload => pick(payload as T))!;
  return structuredClone(found) as T;
}

/** GitHub's payloads come from different repositories; point them at the entity's repository. */
export function forRepository<T extends { repository: object }>(payload: T): T {
  payload.repository = {
    ...payload.repository,
    full_name: 'Codertocat/Hello-World',
    default_branch: 'main',
  };
  return payload;
}

/**
 * The GitHub events module's default export is a feature loader that uses dynamic import(), which
 * Jest's VM cannot run; load its two modules (signature-verified ingress and topic router) directly.
 */
function githubEventsModules(): BackendFeature[] {
  const dist = join(
    dirname(
      require.resolve(
        '@backstage/plugin-events-backend-module-github/package.json',
      ),
    ),
    'dist/service',
  );
  return [
    'eventsModuleGithubWebhook.cjs.js',
    'eventsModuleGithubEventRouter.cjs.js',
  ].map(file => require(join(dist, file)).default);
}

export async function eventually<T>(
  read: () => Promise<T>,
  done: (value: T) => boolean,
  timeoutMs = 15_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let value = await read();
  while (!done(value) && Date.now() < deadline) {
    await new Promise(resolve => setTimeout(resolve, 100));
    value = await read();
  }
  return value;
}

/**
 * A backend with Shiplog, the events plugin, GitHub's ingress and Shiplog's Harbor and Argo CD
 * ingresses, one events bus between them, and helpers to send and to read what was stored.
 */
export async function startWebhookBackend(
  databases: TestDatabases,
  databaseId: TestDatabaseId,
  shiplogConfig: JsonObject = {},
) {
  // Each plugin gets a database of its own, as in a real backend (both keep a knex_migrations table).
  const knex: Knex = await databases.init(databaseId);
  const eventsKnex = await databases.init(databaseId);
  const perPluginDatabase = createServiceFactory({
    service: coreServices.database,
    deps: { pluginMetadata: coreServices.pluginMetadata },
    factory: ({ pluginMetadata }) => ({
      getClient: async () =>
        pluginMetadata.getId() === 'events' ? eventsKnex : knex,
    }),
  });
  // startTestBackend's events mock is one instance per plugin; webhooks need one bus shared by the
  // events plugin (which publishes) and Shiplog (which subscribes), as in a real backend.
  const bus = mockServices.events();
  const sharedEvents = createServiceFactory({
    service: eventsServiceRef,
    deps: {},
    factory: () => bus,
  });
  const { server } = await startTestBackend({
    features: [
      shiplogPlugin,
      eventsPlugin,
      ...githubEventsModules(),
      eventsModuleShiplog,
      perPluginDatabase,
      sharedEvents,
      mockServices.rootConfig.factory({
        data: {
          events: { modules: { github: { webhookSecret: GITHUB_SECRET } } },
          shiplog: {
            environments: [{ name: 'dev' }, { name: 'prod' }],
            webhooks: {
              harbor: { secret: HARBOR_SECRET },
              argocd: { secret: ARGOCD_SECRET },
            },
            ...shiplogConfig,
          },
        },
      }),
      catalogServiceMock.factory({ entities: [webhookEntity] }),
    ],
  });

  const sendGithub = (
    event: string,
    payload: object,
    delivery: string,
    secret = GITHUB_SECRET,
  ) => {
    const body = JSON.stringify(payload);
    const signature = `sha256=${createHmac('sha256', secret)
      .update(body)
      .digest('hex')}`;
    return request(server)
      .post('/api/events/http/github')
      .set('content-type', 'application/json')
      .set('x-github-event', event)
      .set('x-github-delivery', delivery)
      .set('x-hub-signature-256', signature)
      .send(body);
  };
  const countEvents = async () =>
    Number((await knex('shiplog_events').count({ n: '*' }))[0].n);
  const deliveries = () =>
    knex('shiplog_webhook_deliveries').select(
      'delivery_id',
      'status',
      'last_error',
    );
  return { server, knex, sendGithub, countEvents, deliveries };
}
