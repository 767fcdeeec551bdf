import { mockServices } from '@backstage/backend-test-utils';
import type { ArgoApplication } from '@shiplog/plugin-shiplog-node';
import { LedgerEvent } from '../../database/types';
import { translateArgoNotification } from '../../webhooks/argocd';
import { ArgoLedgerFeed } from './ArgoLedgerFeed';

const entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'checkout',
    annotations: { 'shiplog.dev/image': 'ghcr.io/acme/checkout' },
  },
};
const environments = [
  {
    name: 'prod',
    autoPromote: false,
    requiresApproval: false,
    sync: 'manual' as const,
    change: 'pull-request' as const,
  },
];

const app = (phase: string, health: string): ArgoApplication =>
  ({
    metadata: {
      name: 'checkout-prod',
      namespace: 'argocd',
      labels: { 'shiplog.dev/environment': 'prod' },
    },
    spec: { project: 'default', destination: {} },
    status: {
      sync: { status: 'Synced' },
      health: { status: health },
      summary: { images: ['ghcr.io/acme/checkout:2.4.0'] },
      operationState: {
        phase,
        startedAt: '2026-11-20T10:14:31Z',
        finishedAt: phase === 'Running' ? undefined : '2026-11-20T10:15:03Z',
        operation: { sync: {}, initiatedBy: { username: 'ann' } },
      },
    },
  } as unknown as ArgoApplication);

describe('ArgoLedgerFeed', () => {
  it('records each outcome of an operation once, with the ids a notification of it gets', async () => {
    const recorded: LedgerEvent[] = [];
    const feed = new ArgoLedgerFeed({
      config: {
        instances: [
          {
            name: 'main',
            url: 'https://argo',
            frontendUrl: 'https://argo',
            token: 't',
          },
        ],
        refreshIntervalMs: 15_000,
        timeoutMs: 1000,
        environmentLabels: ['shiplog.dev/environment'],
        destinationEnvironments: {},
      },
      environments,
      entities: {
        byArgoApplication: async () => [
          { entity, entityRef: 'component:default/checkout' },
        ],
      } as never,
      ingest: async events => {
        recorded.push(...events);
      },
      logger: mockServices.logger.mock(),
    });
    await feed.observe('main', [app('Running', 'Progressing')]);
    await feed.observe('main', [app('Running', 'Progressing')]);
    await feed.observe('main', [app('Succeeded', 'Progressing')]);
    await feed.observe('main', [app('Succeeded', 'Healthy')]);
    await feed.observe('main', [app('Succeeded', 'Healthy')]);
    expect(recorded).toEqual([
      expect.objectContaining({
        type: 'deploy',
        status: 'started',
        environment: 'prod',
        version: '2.4.0',
        actor: 'ann',
        occurredAt: '2026-11-20T10:14:31.000Z',
        runUrl: 'https://argo/applications/argocd/checkout-prod',
      }),
      expect.objectContaining({
        status: 'succeeded',
        occurredAt: '2026-11-20T10:15:03.000Z',
      }),
    ]);

    // The same sync, reported by an Argo CD notification: the same ids, so the ledger keeps it once.
    const notified = ['sync-running', 'sync-succeeded'].map(event => {
      const result = translateArgoNotification(
        {
          app: 'checkout-prod',
          namespace: 'argocd',
          instance: 'main',
          event,
          images: ['ghcr.io/acme/checkout:2.4.0'],
          labels: { 'shiplog.dev/environment': 'prod' },
          startedAt: '2026-11-20T10:14:31Z',
          finishedAt: '2026-11-20T10:15:03Z',
        },
        `delivery-${event}`,
        entity,
        'component:default/checkout',
        environments,
      );
      return 'events' in result ? result.events[0].id : result.ignored;
    });
    expect(notified).toEqual(recorded.map(event => event.id));
  });
});
