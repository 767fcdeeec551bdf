import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  promotionResourceRef,
  shiplogArgocdSyncPermission,
  shiplogPromotionCreatePermission,
} from '@shiplog/plugin-shiplog-common';
import express from 'express';
import { EntityAccess } from './entityAccess';

const entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'checkout', namespace: 'default' },
};
const request = (authorization: string) =>
  ({
    headers: { authorization },
    params: { kind: 'component', namespace: 'default', name: 'checkout' },
  } as unknown as express.Request);

function access(result: AuthorizeResult.ALLOW | AuthorizeResult.DENY) {
  const permissions = mockServices.permissions.mock({
    authorize: async requests => requests.map(() => ({ result })),
  });
  const entities = {
    load: jest.fn(async () => ({
      entity,
      entityRef: 'component:default/checkout',
    })),
  };
  const helper = new EntityAccess({
    httpAuth: mockServices.httpAuth(),
    permissions,
    entities: entities as never,
  });
  return { helper, permissions, entities };
}

describe('EntityAccess', () => {
  it('loads the entity of the route for the caller, asking no permission unless told to', async () => {
    const { helper, permissions, entities } = access(AuthorizeResult.DENY);
    const result = await helper.load(request(mockCredentials.user.header()));
    expect(result).toMatchObject({
      entity,
      entityRef: 'component:default/checkout',
      allowed: true,
    });
    expect(entities.load).toHaveBeenCalledWith(
      { kind: 'component', namespace: 'default', name: 'checkout' },
      mockCredentials.user(),
    );
    expect(permissions.authorize).not.toHaveBeenCalled();
  });

  it('refuses a principal type the route does not admit before loading anything', async () => {
    const { helper, entities } = access(AuthorizeResult.ALLOW);
    await expect(
      helper.load(request(mockCredentials.service.header()), {
        allow: ['user'],
      }),
    ).rejects.toMatchObject({ name: 'NotAllowedError' });
    await expect(
      helper.load(request(mockCredentials.none.header())),
    ).rejects.toMatchObject({ name: 'AuthenticationError' });
    expect(entities.load).not.toHaveBeenCalled();
  });

  it('refuses with the route message when the permission is denied', async () => {
    const { helper, permissions } = access(AuthorizeResult.DENY);
    await expect(
      helper.load(request(mockCredentials.user.header()), {
        check: {
          permission: shiplogArgocdSyncPermission,
          deniedMessage: ref => `You may not sync ${ref}`,
        },
      }),
    ).rejects.toThrow('You may not sync component:default/checkout');
    expect(permissions.authorize).toHaveBeenCalledWith(
      [
        {
          permission: shiplogArgocdSyncPermission,
          resourceRef: 'component:default/checkout',
        },
      ],
      { credentials: mockCredentials.user() },
    );
  });

  it('reports the decision on a derived resource when no refusal is asked for', async () => {
    const { helper, permissions } = access(AuthorizeResult.DENY);
    const result = await helper.load(request(mockCredentials.user.header()), {
      check: {
        permission: shiplogPromotionCreatePermission,
        resourceRef: ref => promotionResourceRef(ref, 'prod'),
      },
    });
    expect(result.allowed).toBe(false);
    expect(permissions.authorize).toHaveBeenCalledWith(
      [
        {
          permission: shiplogPromotionCreatePermission,
          resourceRef: promotionResourceRef(
            'component:default/checkout',
            'prod',
          ),
        },
      ],
      expect.anything(),
    );
  });
});
