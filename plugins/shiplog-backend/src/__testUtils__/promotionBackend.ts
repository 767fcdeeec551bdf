import {
  mockCredentials,
  mockServices,
  startTestBackend,
  TestDatabaseId,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import request from 'supertest';
import { shiplogPlugin } from '../plugin';

/** The backend's promotion routes against a real GitOps repository: what route tests start. */

export const BASE = '/api/shiplog/v1';
export const ENTITY_PATH = `${BASE}/entities/component/default/checkout`;
export const sha = (n: number) => n.toString(16).padEnd(40, '0');
export const at = (day: number) =>
  new Date(Date.UTC(2026, 0, day)).toISOString();

export const git = (cwd: string, ...args: string[]) =>
  execFileSync('git', args, { cwd, encoding: 'utf8', stdio: 'pipe' }).trim();

/** A real GitOps repository: a bare repository with a values file per environment. */
export function gitopsRepository(root: string): string {
  const bare = join(root, 'gitops.git');
  git(root, 'init', '-q', '--bare', '-b', 'main', bare);
  const work = join(root, 'seed');
  git(root, 'clone', '-q', bare, work);
  for (const env of ['dev', 'stage', 'prod']) {
    mkdirSync(join(work, 'charts/checkout'), { recursive: true });
    writeFileSync(
      join(work, `charts/checkout/values-${env}.yaml`),
      `# checkout in ${env}\nimage:\n  repository: ghcr.io/acme/checkout\n  tag: 1.0.0 # set by Shiplog\n`,
    );
  }
  git(work, 'add', '-A');
  git(
    work,
    '-c',
    'user.name=seed',
    '-c',
    'user.email=seed@x',
    'commit',
    '-qm',
    'seed',
  );
  git(work, 'push', '-q', 'origin', 'HEAD:main');
  return bare;
}

export const checkout = (repository: string): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'checkout',
    namespace: 'default',
    annotations: {
      'shiplog.dev/gitops-repo': repository,
      'shiplog.dev/values-path': 'charts/checkout/values-{{environment}}.yaml',
    },
  },
  spec: { type: 'service', owner: 'team-shop', lifecycle: 'production' },
});

/** 1.0.0 everywhere; 1.1.0 published and deployed to dev; 1.2.0 built, never published. */
export const HISTORY = [
  ...['1.0.0', '1.1.0'].flatMap((version, i) => [
    {
      id: `b${i}`,
      type: 'build',
      version,
      commitSha: sha(i + 1),
      occurredAt: at(i * 5 + 1),
      commits: [
        {
          sha: sha(i + 1),
          message: `feat: thing ${i} (#${i + 1})`,
          pullRequest: { number: i + 1, labels: [] },
        },
      ],
    },
    {
      id: `p${i}`,
      type: 'publish',
      version,
      image: { repository: 'ghcr.io/acme/checkout', tag: version },
      occurredAt: at(i * 5 + 1),
    },
  ]),
  {
    id: 'b9',
    type: 'build',
    version: '1.2.0',
    commitSha: sha(9),
    occurredAt: at(12),
  },
  ...['dev', 'stage', 'prod'].map((environment, i) => ({
    id: `d0${i}`,
    type: 'deploy',
    version: '1.0.0',
    environment,
    occurredAt: at(2 + i),
  })),
  {
    id: 'd10',
    type: 'deploy',
    version: '1.1.0',
    environment: 'dev',
    occurredAt: at(7),
  },
].map(event => ({ entityRef: 'checkout', status: 'succeeded', ...event }));

export async function startPromotionBackend(
  databases: TestDatabases,
  databaseId: TestDatabaseId,
  options: {
    root: string;
    bare: string;
    denyProd?: boolean;
    repository?: string;
    /** More `shiplog` configuration (freezes, ...). */
    shiplog?: object;
  },
) {
  const { root, bare } = options;
  const knex = await databases.init(databaseId);
  const features = [
    shiplogPlugin,
    mockServices.database.factory({ knex }),
    mockServices.rootConfig.factory({
      data: {
        shiplog: {
          environments: [
            { name: 'dev', change: 'commit' },
            { name: 'stage', change: 'commit' },
            { name: 'prod', requiresApproval: true },
          ],
          gitops: { allowedFileRoots: [root] },
          ...options.shiplog,
        },
      },
    }),
    catalogServiceMock.factory({
      entities: [
        checkout(options.repository ?? pathToFileURL(bare).toString()),
      ],
    }),
  ];
  if (options.denyProd) {
    features.push(
      mockServices.permissions.mock({
        authorize: async requests =>
          requests.map(r => ({
            result:
              'resourceRef' in r && r.resourceRef?.endsWith('@prod')
                ? AuthorizeResult.DENY
                : AuthorizeResult.ALLOW,
          })),
      }).factory,
    );
  }
  const { server } = await startTestBackend({ features });
  const seeded = await request(server)
    .post(`${BASE}/events`)
    .set('Authorization', mockCredentials.service.header())
    .send({ events: HISTORY });
  expect(seeded.status).toBe(202);
  return server;
}
