import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { actionsRegistryServiceMock } from '@backstage/backend-test-utils/alpha';
import { Entity } from '@backstage/catalog-model';
import { NotFoundError } from '@backstage/errors';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { OrgViewService } from '../ledger/OrgViewService';
import { PromotionService } from '../promotions/PromotionService';
import { EntityLoader } from '../routes/EntityLoader';
import { registerShiplogActions } from './registerShiplogActions';

const shop: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'System',
  metadata: { name: 'shop', namespace: 'default' },
};
const ROLLUP = { environments: ['prod'], components: [] };
const emptyDora = (window: { from: number; to: number }) => ({
  from: new Date(window.from).toISOString(),
  to: new Date(window.to).toISOString(),
  environment: 'prod',
  components: 0,
  deploymentFrequency: { deployments: 0, perDay: 0 },
  leadTime: { medianSeconds: null, samples: 0 },
  changeFailRate: { failed: 0, total: 0, ratio: null },
  recoveryTime: { medianSeconds: null, samples: 0 },
  reworkRate: { unplanned: 0, total: 0, ratio: null },
  weekly: [],
});

function setup(decision: AuthorizeResult) {
  const actionsRegistry = actionsRegistryServiceMock();
  const entities = {
    load: jest.fn(async (ref: { kind: string; name: string }) => ({
      entity: {
        ...shop,
        kind: ref.kind,
        metadata: { ...shop.metadata, name: ref.name },
      },
      entityRef: `${ref.kind}:default/${ref.name}`.toLowerCase(),
    })),
  };
  const orgViews = {
    rollup: jest.fn(async () => ROLLUP),
    dora: jest.fn(
      async (_e: Entity, _c: unknown, window: { from: number; to: number }) =>
        emptyDora(window),
    ),
  };
  const promotions = {
    preview: jest.fn(async () => ({ allowed: true, guards: [] })),
  };
  const permissions = mockServices.permissions.mock({
    authorize: jest.fn(async () => [{ result: decision }]) as never,
  });
  registerShiplogActions({
    actionsRegistry,
    entities: entities as unknown as EntityLoader,
    orgViews: orgViews as unknown as OrgViewService,
    permissions,
    promotions: promotions as unknown as PromotionService,
  });
  return { actionsRegistry, entities, orgViews, promotions, permissions };
}

describe('Shiplog actions', () => {
  const credentials = mockCredentials.user('user:default/jane');

  it('answers what runs where and DORA for an entity loaded as the caller', async () => {
    const { actionsRegistry, entities, orgViews } = setup(
      AuthorizeResult.ALLOW,
    );
    const listed = await actionsRegistry.list();
    expect(listed.actions.map(a => a.name).sort()).toEqual([
      'dora-metrics',
      'preview-promotion',
      'what-runs-where',
    ]);
    expect(listed.actions.every(a => a.attributes.readOnly)).toBe(true);

    const rollup = await actionsRegistry.invoke({
      id: 'test:what-runs-where',
      input: { entityRef: 'system:default/shop' },
      credentials,
    });
    expect(rollup.output).toEqual(ROLLUP);
    expect(entities.load).toHaveBeenCalledWith(
      expect.objectContaining({ kind: 'system', name: 'shop' }),
      credentials,
    );
    const dora = await actionsRegistry.invoke({
      id: 'test:dora-metrics',
      input: {
        entityRef: 'group:team-shop',
        from: '2026-11-01',
        to: '2026-11-15',
      },
      credentials,
    });
    expect(dora.output).toEqual(
      emptyDora({
        from: Date.parse('2026-11-01'),
        to: Date.parse('2026-11-15'),
      }),
    );
    expect(orgViews.dora).toHaveBeenCalledWith(expect.anything(), credentials, {
      from: Date.parse('2026-11-01'),
      to: Date.parse('2026-11-15'),
    });
    await expect(
      actionsRegistry.invoke({
        id: 'test:dora-metrics',
        input: { entityRef: 'group:team-shop', from: 'last week' },
        credentials,
      }),
    ).rejects.toThrow('from: must be a date');
  });

  it('answers nothing about an entity the caller may not read in the catalog', async () => {
    const { actionsRegistry, entities, orgViews } = setup(
      AuthorizeResult.ALLOW,
    );
    entities.load.mockRejectedValue(
      new NotFoundError('No entity system:default/secret'),
    );
    await expect(
      actionsRegistry.invoke({
        id: 'test:what-runs-where',
        input: { entityRef: 'system:default/secret' },
        credentials,
      }),
    ).rejects.toThrow('No entity system:default/secret');
    await expect(
      actionsRegistry.invoke({
        id: 'test:dora-metrics',
        input: { entityRef: 'system:default/secret' },
        credentials,
      }),
    ).rejects.toThrow('No entity system:default/secret');
    expect(orgViews.rollup).not.toHaveBeenCalled();
    expect(orgViews.dora).not.toHaveBeenCalled();
  });

  it('previews a promotion only for a caller who may promote', async () => {
    const allowed = setup(AuthorizeResult.ALLOW);
    const input = {
      entityRef: 'component:default/checkout',
      version: '1.2.0',
      environment: 'prod',
    };
    const preview = await allowed.actionsRegistry.invoke({
      id: 'test:preview-promotion',
      input,
      credentials,
    });
    expect(preview.output).toEqual({ allowed: true, guards: [] });
    expect(allowed.permissions.authorize).toHaveBeenCalledWith(
      [
        expect.objectContaining({
          permission: expect.objectContaining({
            name: 'shiplog.promotion.create',
          }),
        }),
      ],
      { credentials },
    );

    const denied = setup(AuthorizeResult.DENY);
    await expect(
      denied.actionsRegistry.invoke({
        id: 'test:preview-promotion',
        input,
        credentials,
      }),
    ).rejects.toThrow('You may not promote component:default/checkout to prod');
    expect(denied.promotions.preview).not.toHaveBeenCalled();
  });
});
