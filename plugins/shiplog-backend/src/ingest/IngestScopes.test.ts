import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { ConfigReader } from '@backstage/config';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { ingestSubjectOf, IngestScopes } from './IngestScopes';
import { readMaxClockSkewMs } from './readIngestSchema';

const entity = (
  kind: string,
  name: string,
  relations: Array<[string, string]>,
): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind,
  metadata: { name, namespace: 'default' },
  relations: relations.map(([type, targetRef]) => ({ type, targetRef })),
});

const entities = [
  entity('Component', 'checkout', [['ownedBy', 'group:default/payments']]),
  entity('Component', 'search', [['ownedBy', 'group:default/discovery']]),
  entity('Component', 'ledger', [['ownedBy', 'group:default/payments-core']]),
  entity('Group', 'payments', [['childOf', 'group:default/engineering']]),
  entity('Group', 'payments-core', [['childOf', 'group:default/payments']]),
  entity('Group', 'discovery', [['childOf', 'group:default/engineering']]),
  // a cycle must not loop forever
  entity('Group', 'engineering', [['childOf', 'group:default/discovery']]),
];

function scopes(subjects?: unknown) {
  const logger = mockServices.logger.mock();
  const catalog = catalogServiceMock({ entities });
  const getEntityByRef = jest.spyOn(catalog, 'getEntityByRef');
  const result = IngestScopes.fromConfig(
    new ConfigReader({ shiplog: subjects ? { ingest: { subjects } } : {} }),
    { catalog, auth: mockServices.auth(), logger },
  );
  return { scopes: result, logger, getEntityByRef };
}

describe('IngestScopes', () => {
  const rules = [
    { subject: 'ci-checkout', entities: ['component:default/checkout'] },
    { subject: 'ci-payments', entities: ['owner:group:default/payments'] },
    { subject: 'plugin:scaffolder', entities: ['*'] },
  ];

  it('allows everything and warns once when no list is configured', async () => {
    const { scopes: open, logger } = scopes();
    await expect(
      open.assertAllowed('anyone', ['component:default/search']),
    ).resolves.toBeUndefined();
    expect(logger.warn).toHaveBeenCalledTimes(1);
    expect(logger.warn.mock.calls[0][0]).toContain('shiplog.ingest.subjects');
  });

  it('allows an entity named in the subject’s list, and refuses others naming them', async () => {
    const { scopes: s, logger } = scopes(rules);
    expect(logger.warn).not.toHaveBeenCalled();
    await expect(
      s.assertAllowed('ci-checkout', ['component:default/checkout']),
    ).resolves.toBeUndefined();
    await expect(
      s.assertAllowed('ci-checkout', [
        'component:default/checkout',
        'component:default/search',
        'component:default/unknown',
      ]),
    ).rejects.toMatchObject({
      name: 'NotAllowedError',
      message:
        'ci-checkout may not report events for component:default/search, component:default/unknown (shiplog.ingest.subjects)',
    });
  });

  it('allows what a group or one of its child groups owns', async () => {
    const { scopes: s } = scopes(rules);
    await expect(
      s.assertAllowed('ci-payments', [
        'component:default/checkout',
        'component:default/ledger',
      ]),
    ).resolves.toBeUndefined();
    await expect(
      s.assertAllowed('ci-payments', ['component:default/search']),
    ).rejects.toThrow('may not report events for component:default/search');
  });

  it('refuses a subject that is not listed, and one with no subject', async () => {
    const { scopes: s } = scopes(rules);
    await expect(
      s.assertAllowed('ci-other', ['component:default/checkout']),
    ).rejects.toThrow(
      'ci-other may not report events for component:default/checkout',
    );
    await expect(
      s.assertAllowed(undefined, ['component:default/checkout']),
    ).rejects.toThrow('this caller may not report');
  });

  it('lets * report for every entity, even one the catalog does not know', async () => {
    const { scopes: s } = scopes(rules);
    await expect(
      s.assertAllowed('plugin:scaffolder', ['component:default/brand-new']),
    ).resolves.toBeUndefined();
  });

  it('caches catalog lookups across batches', async () => {
    const { scopes: s, getEntityByRef } = scopes(rules);
    await s.assertAllowed('ci-payments', ['component:default/ledger']);
    const calls = getEntityByRef.mock.calls.length;
    await s.assertAllowed('ci-payments', ['component:default/ledger']);
    expect(getEntityByRef.mock.calls.length).toBe(calls);
  });

  it('refuses a malformed pattern at start, naming the config entry', () => {
    expect(() => scopes([{ subject: 'x', entities: ['owner:'] }])).toThrow(
      'shiplog.ingest.subjects[0].entities[0] "owner:"',
    );
  });

  it('reads the subject of service principals only', () => {
    expect(ingestSubjectOf(mockCredentials.service('plugin:scaffolder'))).toBe(
      'plugin:scaffolder',
    );
    expect(ingestSubjectOf(mockCredentials.user())).toBeUndefined();
  });
});

describe('readMaxClockSkewMs', () => {
  it.each([
    [{}, 300_000],
    [{ maxClockSkew: { minutes: 10 } }, 600_000],
    [{ maxClockSkew: '30s' }, 30_000],
  ])('reads %j', (ingest, ms) => {
    expect(readMaxClockSkewMs(new ConfigReader({ shiplog: { ingest } }))).toBe(
      ms,
    );
  });
});
