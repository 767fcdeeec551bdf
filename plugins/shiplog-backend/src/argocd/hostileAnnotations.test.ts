import { Entity } from '@backstage/catalog-model';
import { ArgoCdApplicationState } from '@shiplog/plugin-shiplog-common';
import type { ArgoApplication } from '@shiplog/plugin-shiplog-node';
import { belongsToEntity } from './state/applicationState';
import { createClaimantsLookup } from './state/claimants';
import { createSyncEvents } from './syncEvents';

const entity = (name: string, annotations: Record<string, string>): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name, namespace: 'default', annotations },
  spec: { type: 'service', owner: 'team', lifecycle: 'production' },
});

const application = (
  annotations?: Record<string, string>,
): ArgoApplication => ({
  metadata: {
    name: 'payments-prod',
    namespace: 'argocd',
    uid: 'u1',
    resourceVersion: '1',
    labels: { 'app.kubernetes.io/name': 'payments' },
    annotations,
    creationTimestamp: '2026-01-01T00:00:00Z',
  },
  spec: { project: 'default', destination: {} },
  status: { sync: { status: 'Synced' }, health: { status: 'Healthy' } },
});

const payments = entity('payments', {
  'argocd/app-selector': 'app.kubernetes.io/name=payments',
});
/** Another team's entity whose author names the payments application. */
const intruder = entity('intruder', { 'argocd/app-name': 'payments-prod' });

describe('Argo CD claims from annotations catalog authors write', () => {
  it.each([
    ['a selector of only commas', { 'argocd/app-selector': ',' }],
    ['a selector of spaces', { 'argocd/app-selector': '  ' }],
    ['an app name of only commas', { 'argocd/app-name': ' , ,' }],
  ])('gives %s no application', (_label, annotations) => {
    expect(belongsToEntity(application(), entity('greedy', annotations))).toBe(
      false,
    );
  });

  it('gives an Application annotated shiplog.dev/entity-ref to that entity alone', () => {
    const owned = application({
      'shiplog.dev/entity-ref': 'component:default/payments',
    });
    expect(belongsToEntity(owned, payments)).toBe(true);
    expect(belongsToEntity(owned, intruder)).toBe(false);
  });

  it('gives an Application whose shiplog.dev/entity-ref cannot be parsed to nobody', () => {
    const garbled = application({ 'shiplog.dev/entity-ref': 'component:' });
    expect(belongsToEntity(garbled, payments)).toBe(false);
    expect(belongsToEntity(garbled, intruder)).toBe(false);
  });

  it('names every claimant of an unowned application, and only the declared owner of an owned one', async () => {
    const lookup = createClaimantsLookup({
      byArgoApplication: async () => [
        { entity: payments, entityRef: 'component:default/payments' },
        { entity: intruder, entityRef: 'component:default/intruder' },
      ],
    });
    expect(await lookup(application(), 'main')).toEqual([
      'component:default/intruder',
      'component:default/payments',
    ]);
    expect(
      await lookup(
        application({ 'shiplog.dev/entity-ref': 'Payments' }),
        'main',
      ),
    ).toEqual(['component:default/payments']);
  });
});

describe('sync records from a tag anyone with Git access writes', () => {
  const target = (tag: string, version?: string): ArgoCdApplicationState => ({
    instance: 'main',
    name: 'payments-prod',
    namespace: 'argocd',
    project: 'default',
    environment: 'prod',
    sources: [],
    multiSource: false,
    syncPolicy: 'manual',
    sync: { status: 'OutOfSync', revisions: [] },
    health: { status: 'Healthy' },
    images: [],
    history: [],
    declared: { repository: 'https://github.com/acme/gitops', path: 'x', tag },
    version,
    gitDrift: 'drifted',
    manualSync: true,
  });
  const events = () =>
    createSyncEvents({
      entityRef: 'component:default/payments',
      actor: 'user:default/ann',
    });

  it('falls back to the live version when the declared tag fails the version schema', () => {
    const event = events()(target('1.0\u0000; rm -rf /', '2.0.0'), 'started');
    expect(event).toMatchObject({ version: '2.0.0', status: 'started' });
  });

  it('records nothing, and throws nothing, when neither version is valid', () => {
    expect(events()(target('../../etc', ' '), 'started')).toBeUndefined();
  });
});
