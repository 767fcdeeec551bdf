import { TestDatabases } from '@backstage/backend-test-utils';
import type { ArgoApplication } from '@shiplog/plugin-shiplog-node';
import { migrationsDir } from '../../database/migrations';
import { ArgoSnapshotStore } from './ArgoSnapshotStore';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

const app = (name: string) =>
  ({
    metadata: { name, namespace: 'argocd' },
    spec: { project: 'default', destination: {} },
    status: { sync: { status: 'Synced' }, health: { status: 'Healthy' } },
  } as unknown as ArgoApplication);

describe.each(databases.eachSupportedId())(
  'ArgoSnapshotStore on %p',
  databaseId => {
    it('keeps the last good list beside an error, and bumps the generation only on change', async () => {
      const knex = await databases.init(databaseId);
      await knex.migrate.latest({ directory: migrationsDir });
      const writer = new ArgoSnapshotStore(knex);
      // Another replica's store, reading without sharing reads, so it sees every write at once.
      const reader = new ArgoSnapshotStore(knex, 0);

      await writer.saveApplications('main', [app('a')], 1000);
      let snapshot = (await reader.read()).get('main')!;
      expect(snapshot).toMatchObject({
        generation: 1,
        fetchedAt: 1000,
        attemptedAt: 1000,
      });
      expect(snapshot.applications.map(a => a.metadata.name)).toEqual(['a']);

      // The same list again: timestamps move, the generation (and so every cache) stays.
      await writer.saveApplications('main', [app('a')], 2000);
      snapshot = (await reader.read()).get('main')!;
      expect(snapshot).toMatchObject({ generation: 1, fetchedAt: 2000 });

      await writer.saveError(
        'main',
        'Argo CD main: no answer within 5000 ms',
        3000,
      );
      snapshot = (await reader.read()).get('main')!;
      expect(snapshot).toMatchObject({
        generation: 2,
        fetchedAt: 2000,
        attemptedAt: 3000,
        error: 'Argo CD main: no answer within 5000 ms',
      });
      expect(snapshot.applications).toHaveLength(1);

      // Recovering with the same list clears the error and is a change pages must see.
      await writer.saveApplications('main', [app('a')], 4000);
      snapshot = (await reader.read()).get('main')!;
      expect(snapshot).toMatchObject({ generation: 3, fetchedAt: 4000 });
      expect(snapshot.error).toBeUndefined();

      await writer.saveApplications('main', [app('a'), app('b')], 5000);
      snapshot = (await reader.read()).get('main')!;
      expect(snapshot.generation).toBe(4);
      expect(snapshot.applications).toHaveLength(2);

      // An instance that never answered has an error and no applications.
      await writer.saveError('other', 'unreachable', 6000);
      expect((await reader.read()).get('other')).toMatchObject({
        generation: 1,
        fetchedAt: undefined,
        error: 'unreachable',
        applications: [],
      });
      await knex.destroy();
    });
  },
);
