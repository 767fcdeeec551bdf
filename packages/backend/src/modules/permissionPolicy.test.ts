import {
  coreServices,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import request from 'supertest';
import permissionBackend from '@backstage/plugin-permission-backend';
import shiplogBackend from '@shiplog/plugin-shiplog-backend';
import permissionPolicyModule from './permissionPolicy';

jest.setTimeout(60_000);

const component = (name: string, owner: string): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name, namespace: 'default' },
  spec: { type: 'service', owner, lifecycle: 'production' },
  relations: [{ type: 'ownedBy', targetRef: `group:default/${owner}` }],
});

const GUEST = 'user:default/guest';

/**
 * The mock auth service issues on-behalf-of-user tokens without the actor a real one carries, and
 * a plugin's permission endpoint refuses a bare user: here the permission backend's call to
 * Shiplog's `apply-conditions` goes with a service token, as a real backend's effectively does.
 */
const authFactory = createServiceFactory({
  service: coreServices.auth,
  deps: { plugin: coreServices.pluginMetadata },
  factory({ plugin }) {
    const auth = mockServices.auth({ pluginId: plugin.getId() });
    const issue = auth.getPluginRequestToken.bind(auth);
    auth.getPluginRequestToken = async options =>
      auth.isPrincipal(options.onBehalfOf, 'user') &&
      options.targetPluginId !== 'permission'
        ? { token: mockCredentials.service.token() }
        : issue(options);
    return auth;
  },
});

/**
 * The whole chain: Shiplog asks the permission backend, the sample policy answers with conditions
 * on the `shiplog-promotion` resource, and the permission backend has Shiplog evaluate them
 * against the component (its owner) and the environment.
 */
describe('the demo permission policy', () => {
  async function start() {
    const { server } = await startTestBackend({
      features: [
        permissionBackend,
        authFactory,
        permissionPolicyModule,
        shiplogBackend,
        catalogServiceMock.factory({
          entities: [
            component('checkout', 'team-shop'),
            component('legacy-reports', 'team-platform'),
          ],
        }),
        mockServices.rootConfig.factory({
          data: {
            permission: { enabled: true },
            shiplog: {
              environments: [{ name: 'dev' }, { name: 'prod' }],
            },
          },
        }),
        mockServices.userInfo.mock({
          getUserInfo: async () => ({
            userEntityRef: GUEST,
            ownershipEntityRefs: [GUEST, 'group:default/team-shop'],
          }),
        }).factory,
      ],
    });
    return server;
  }

  const preview = (
    server: Awaited<ReturnType<typeof start>>,
    name: string,
    environment: string,
  ) =>
    request(server)
      .post(`/api/shiplog/v1/entities/component/default/${name}/promotions`)
      .set('Authorization', mockCredentials.user.header(GUEST))
      .send({ version: '1.0.0', environment, dryRun: true });

  it('lets owners promote to prod, and anyone to the other environments', async () => {
    const server = await start();
    const own = await preview(server, 'checkout', 'prod');
    expect(own.status).toBe(200);
    expect(own.body.allowed).toBe(true);

    const foreign = await preview(server, 'legacy-reports', 'prod');
    expect(foreign.body.allowed).toBe(false);
    expect((await preview(server, 'legacy-reports', 'dev')).body.allowed).toBe(
      true,
    );

    const denied = await request(server)
      .post(
        '/api/shiplog/v1/entities/component/default/legacy-reports/promotions',
      )
      .set('Authorization', mockCredentials.user.header(GUEST))
      .send({ version: '1.0.0', environment: 'prod' });
    expect(denied.status).toBe(403);
    expect(denied.body.error.message).toContain(
      'You may not promote component:default/legacy-reports to prod',
    );
  });
});
