import { readFileSync } from 'fs';
import { join } from 'path';
import {
  APPLICATION_LIST_FIELDS,
  ArgoCdClient,
  ArgoCdRequestError,
} from './ArgoCdClient';
import {
  belongsToEntity,
  describeApplication,
  summarizeResources,
} from '../state/applicationState';

const fixture = (name: string) =>
  readFileSync(join(__dirname, '__fixtures__', name), 'utf8');

type Call = { url: URL; init: RequestInit };

/** A fetch that answers from a table of `METHOD path` → [status, body], recording every call. */
function fakeFetch(routes: Record<string, Array<[number, string]>>) {
  const calls: Call[] = [];
  const impl = (async (input: URL | string, init: RequestInit = {}) => {
    const url = new URL(String(input));
    calls.push({ url, init });
    const queue = routes[`${init.method ?? 'GET'} ${url.pathname}`];
    const [status, body] =
      queue && queue.length > 1 ? queue.shift()! : queue?.[0] ?? [404, '{}'];
    return new Response(body, { status });
  }) as typeof fetch;
  return { impl, calls };
}

const entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'checkout',
    annotations: {
      'argocd/app-selector': 'app.kubernetes.io/name=checkout',
      'shiplog.dev/image': 'ghcr.io/acme/checkout',
    },
  },
};

const environments = ['dev', 'qa', 'stage', 'prod'].map(name => ({
  name,
  autoPromote: false,
  requiresApproval: false,
  sync: name === 'prod' ? ('manual' as const) : ('automatic' as const),
  change: 'pull-request' as const,
}));

const mapping = {
  environmentLabels: ['shiplog.dev/environment', 'environment'],
  destinationEnvironments: {},
};

describe('ArgoCdClient against recorded Argo CD JSON', () => {
  const instance = {
    name: 'main',
    url: 'https://argocd.acme.example',
    frontendUrl: 'https://argocd.acme.example',
    token: 'account-token',
  };

  it('lists applications with a fields filter and a bearer token', async () => {
    const { impl, calls } = fakeFetch({
      'GET /api/v1/applications': [[200, fixture('applications.json')]],
    });
    const client = new ArgoCdClient(instance, 1000, impl);
    const apps = await client.listApplications({
      fields: APPLICATION_LIST_FIELDS,
      selector: 'team=shop',
    });
    expect(apps.map(app => app.metadata.name)).toEqual([
      'checkout-prod',
      'storefront-stage',
    ]);
    expect(calls[0].url.searchParams.get('fields')).toContain(
      'items.status.operationState.phase',
    );
    expect(calls[0].url.searchParams.get('selector')).toBe('team=shop');
    expect(new Headers(calls[0].init.headers).get('authorization')).toBe(
      'Bearer account-token',
    );
  });

  it('describes a single-source Helm app and a multi-source app', async () => {
    const { items } = JSON.parse(fixture('applications.json'));
    const prod = describeApplication(
      items[0],
      instance,
      entity,
      mapping,
      environments,
    );
    expect(prod).toMatchObject({
      environment: 'prod',
      multiSource: false,
      syncPolicy: 'manual',
      manualSync: true,
      sync: {
        status: 'OutOfSync',
        revisions: ['9b2f4c1e7d3a5b6c8e0f1a2b3c4d5e6f7a8b9c0d'],
      },
      version: '2.3.1',
      lastDeployedAt: '2026-11-20T10:15:03Z',
      operation: { phase: 'Succeeded', initiatedBy: 'ann@acme.example' },
      url: 'https://argocd.acme.example/applications/argocd/checkout-prod',
      sources: [{ path: 'charts/checkout', valueFiles: ['values-prod.yaml'] }],
    });
    expect(prod.history.map(h => h.id)).toEqual([42, 41]);

    const stage = describeApplication(
      items[1],
      instance,
      { ...entity, metadata: { name: 'storefront', annotations: {} } },
      mapping,
      environments,
    );
    expect(stage).toMatchObject({
      environment: 'stage',
      multiSource: true,
      syncPolicy: 'automated',
      manualSync: false,
      sync: {
        revisions: ['1.4.0', '0a1b2c3d4e5f60718293a4b5c6d7e8f901234567'],
      },
      health: { status: 'Progressing' },
      operation: { phase: 'Running', initiatedBy: 'automated sync' },
      version: '3.4.0',
    });
    expect(stage.sources.map(s => s.chart ?? s.ref)).toEqual([
      'storefront',
      'values',
    ]);
  });

  it('maps applications to entities by selector, name, project and namespace', () => {
    const { items } = JSON.parse(fixture('applications.json'));
    expect(belongsToEntity(items[0], entity)).toBe(true);
    expect(belongsToEntity(items[1], entity)).toBe(false);
    const named = {
      ...entity,
      metadata: {
        name: 'x',
        annotations: {
          'argocd/app-name': 'storefront-stage, other',
          'argocd/project-name': 'shop',
        },
      },
    };
    expect(belongsToEntity(items[1], named)).toBe(true);
    named.metadata.annotations['argocd/project-name'] = 'platform';
    expect(belongsToEntity(items[1], named)).toBe(false);
  });

  it('summarizes a resource tree: kinds, health counts, unhealthy resources', async () => {
    const { impl, calls } = fakeFetch({
      'GET /api/v1/applications/checkout-prod/resource-tree': [
        [200, fixture('resource-tree.json')],
      ],
    });
    const client = new ArgoCdClient(instance, 1000, impl);
    const tree = await client.getResourceTree('checkout-prod', 'argocd');
    expect(calls[0].url.searchParams.get('appNamespace')).toBe('argocd');
    expect(summarizeResources(tree.nodes ?? [])).toEqual({
      total: 7,
      byKind: { Service: 1, Deployment: 1, ReplicaSet: 2, Pod: 2, Ingress: 1 },
      byHealth: { Healthy: 4, Progressing: 2, Degraded: 1 },
      unhealthy: [
        expect.objectContaining({ kind: 'Deployment', health: 'Progressing' }),
        expect.objectContaining({ kind: 'ReplicaSet', health: 'Progressing' }),
        expect.objectContaining({
          kind: 'Pod',
          name: 'checkout-6d9f7c8b5-x2k9p',
          health: 'Degraded',
          message: 'back-off 5m0s restarting failed container=checkout',
        }),
      ],
    });
  });

  it('reads revision metadata, with the source index of a multi-source app', async () => {
    const { impl, calls } = fakeFetch({
      'GET /api/v1/applications/storefront-stage/revisions/0a1b2c3/metadata': [
        [200, fixture('revision-metadata.json')],
      ],
    });
    const client = new ArgoCdClient(instance, 1000, impl);
    const metadata = await client.getRevisionMetadata(
      'storefront-stage',
      '0a1b2c3',
      {
        sourceIndex: 1,
      },
    );
    expect(metadata.author).toBe('Ann Example <ann@acme.example>');
    expect(calls[0].url.searchParams.get('sourceIndex')).toBe('1');
  });

  it('logs in once for concurrent requests and again only after a 401', async () => {
    const { impl, calls } = fakeFetch({
      'POST /api/v1/session': [
        [200, '{"token":"first"}'],
        [200, '{"token":"second"}'],
      ],
      'GET /api/v1/applications': [
        [200, '{"items":[]}'],
        [200, '{"items":[]}'],
        [200, '{"items":[]}'],
        [401, '{"error":"invalid session: token is expired","code":16}'],
        [200, '{"items":null}'],
      ],
    });
    const client = new ArgoCdClient(
      { ...instance, token: undefined, username: 'admin', password: 'pw' },
      1000,
      impl,
    );
    await Promise.all([
      client.listApplications(),
      client.listApplications(),
      client.listApplications(),
    ]);
    expect(
      calls.filter(c => c.url.pathname === '/api/v1/session'),
    ).toHaveLength(1);
    expect(await client.listApplications()).toEqual([]);
    const sessions = calls.filter(c => c.url.pathname === '/api/v1/session');
    expect(sessions).toHaveLength(2);
    expect(JSON.parse(String(sessions[0].init.body))).toEqual({
      username: 'admin',
      password: 'pw',
    });
    const last = calls[calls.length - 1];
    expect(new Headers(last.init.headers).get('authorization')).toBe(
      'Bearer second',
    );
  });

  it('names the instance and the reason when Argo CD fails or is slow', async () => {
    const { impl } = fakeFetch({
      'POST /api/v1/applications/checkout-prod/sync': [
        [
          400,
          '{"error":"another operation is already in progress","code":9,"message":"another operation is already in progress"}',
        ],
      ],
    });
    const client = new ArgoCdClient(instance, 1000, impl);
    await expect(client.sync('checkout-prod')).rejects.toThrow(
      'Argo CD main: POST /api/v1/applications/checkout-prod/sync answered 400: another operation is already in progress',
    );
    const slow = new ArgoCdClient(
      instance,
      50,
      ((_url: URL, init: RequestInit) =>
        new Promise((_resolve, reject) => {
          init.signal?.addEventListener('abort', () =>
            reject(
              Object.assign(new Error('aborted'), { name: 'TimeoutError' }),
            ),
          );
        })) as unknown as typeof fetch,
    );
    await expect(slow.listApplications()).rejects.toEqual(
      expect.objectContaining({
        name: 'ArgoCdRequestError',
        message: 'Argo CD main: no answer within 50 ms',
      }),
    );
    expect(new ArgoCdRequestError('x', 'y')).toBeInstanceOf(Error);
  });
});
