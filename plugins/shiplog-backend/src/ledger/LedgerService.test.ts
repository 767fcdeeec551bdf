import { Entity } from '@backstage/catalog-model';
import { InputError, NotFoundError } from '@backstage/errors';
import {
  CommitStore,
  DeploymentStore,
  EnvironmentStore,
  ReleaseStore,
} from '../database/stores';
import {
  CommitRecord,
  DeploymentRecord,
  EnvironmentStateRecord,
  MatrixDeploymentRecord,
  ReleaseRecord,
} from '../database/types';
import { LedgerService } from './LedgerService';

/**
 * The read service over in-memory stores: drift, ordering, paging and errors are the service's own
 * logic, so a database adds nothing here (the stores have their own tests on both databases).
 */
class FakeLedger
  implements ReleaseStore, CommitStore, DeploymentStore, EnvironmentStore
{
  releases: ReleaseRecord[] = [];
  commits: CommitRecord[] = [];
  deployments: DeploymentRecord[] = [];
  states: EnvironmentStateRecord[] = [];

  async getEnvironmentStates() {
    return this.states;
  }
  async getReleases(_entityRef: string, versions: string[]) {
    return this.releases.filter(r => versions.includes(r.version));
  }
  async listReleases(
    _entityRef: string,
    options: { limit: number; beforeKey?: string },
  ) {
    return [...this.releases]
      .sort((a, b) => b.versionKey.localeCompare(a.versionKey))
      .filter(r => !options.beforeKey || r.versionKey < options.beforeKey)
      .slice(0, options.limit);
  }
  async listReleasesBetween(_entityRef: string, from: string, to: string) {
    return this.releases.filter(r => r.versionKey > from && r.versionKey <= to);
  }
  async countReleasesBetween(entityRef: string, from: string, to: string) {
    return (await this.listReleasesBetween(entityRef, from, to)).length;
  }
  async getCommitPositions(_entityRef: string, shas: string[]) {
    return new Map(
      this.commits
        .filter(c => shas.includes(c.sha))
        .map(c => [c.sha, c.position]),
    );
  }
  private between(after: number, upTo?: number) {
    return this.commits.filter(
      c => c.position > after && (upTo === undefined || c.position <= upTo),
    );
  }
  async countCommitsBetween(_entityRef: string, after: number, upTo?: number) {
    return this.between(after, upTo).length;
  }
  async listCommitsBetween(
    _entityRef: string,
    after: number,
    upTo: number | undefined,
    limit: number,
  ) {
    return this.between(after, upTo)
      .sort((a, b) => b.position - a.position)
      .slice(0, limit);
  }
  async listDeployments(_entityRef: string, options: { limit: number }) {
    return this.deployments.slice(0, options.limit);
  }
  async latestDeploymentsOfVersions() {
    return [];
  }
  async hasSucceededIn() {
    return false;
  }
  async deployEventsSince() {
    return [];
  }
  async recentDeploySuccesses() {
    return [];
  }
}

const ENTITY_REF = 'component:default/checkout';
const entity = (annotations: Record<string, string> = {}): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'checkout', annotations },
});
const policy = {
  autoPromote: false,
  requiresApproval: false,
  sync: 'automatic',
  change: 'pull-request',
} as const;
const ENVIRONMENTS = [
  { name: 'dev', ...policy },
  { name: 'prod', ...policy, requiresApproval: true },
];

const release = (n: number): ReleaseRecord => ({
  version: `1.${n}.0`,
  versionKey: `k${n}`,
  commitSha: `sha${n}`,
  firstSeenAt: Date.UTC(2026, 0, n),
});
const running = (n: number, id: string): MatrixDeploymentRecord => ({
  id,
  entityRef: ENTITY_REF,
  environment: 'x',
  version: `1.${n}.0`,
  status: 'succeeded',
  updatedAt: Date.UTC(2026, 0, n),
  sortAt: Date.UTC(2026, 0, n),
  finishedAt: Date.UTC(2026, 0, n),
  rollback: false,
  versionKey: `k${n}`,
  resolvedCommitSha: `sha${n}`,
  commitPosition: n,
});

describe('LedgerService', () => {
  let store: FakeLedger;
  let service: LedgerService;

  beforeEach(() => {
    store = new FakeLedger();
    service = new LedgerService(
      {
        releases: store,
        commits: store,
        deployments: store,
        environments: store,
      },
      ENVIRONMENTS,
    );
    store.releases = [1, 2, 3].map(release);
    store.commits = [1, 2, 3, 4].map(n => ({ sha: `sha${n}`, position: n }));
  });

  it('counts how far each environment is behind the previous one, and what no environment runs', async () => {
    store.states = [
      { environment: 'dev', current: running(3, '2') },
      { environment: 'prod', current: running(1, '1') },
    ];
    const matrix = await service.getEnvironments(ENTITY_REF, entity());
    expect(matrix.environments.map(e => [e.name, e.drift])).toEqual([
      [
        'dev',
        {
          previousEnvironment: undefined,
          releasesBehind: 0,
          commitsBehind: 0,
          aheadOfPrevious: false,
        },
      ],
      [
        'prod',
        {
          previousEnvironment: 'dev',
          releasesBehind: 2,
          commitsBehind: 2,
          aheadOfPrevious: false,
        },
      ],
    ]);
    expect(matrix.environments[1].policy.requiresApproval).toBe(true);
    expect(matrix.undeployed).toEqual({
      commitCount: 1,
      commits: [{ sha: 'sha4' }],
    });
  });

  it('narrows the environments by annotation, with default policies for unconfigured ones', () => {
    expect(
      service.environmentsOf(
        entity({ 'shiplog.dev/environments': 'prod,preview' }),
      ),
    ).toEqual([ENVIRONMENTS[1], { name: 'preview', ...policy }]);
  });

  it('answers a changelog in release order whichever way round it is asked, and 404s naming the field', async () => {
    const changelog = await service.getChangelog(ENTITY_REF, '1.3.0', '1.1.0');
    expect(changelog.releases).toEqual(['1.2.0', '1.3.0']);
    expect(changelog.commits.map(c => c.sha)).toEqual(['sha3', 'sha2']);
    await expect(
      service.getChangelog(ENTITY_REF, '1.1.0', '9.9.9'),
    ).rejects.toThrow(
      new NotFoundError(`to: no release "9.9.9" of ${ENTITY_REF}`),
    );
  });

  it('pages releases with a cursor it refuses to accept when tampered with', async () => {
    const first = await service.listReleases(ENTITY_REF, { limit: 2 });
    expect(first.items.map(r => r.version)).toEqual(['1.3.0', '1.2.0']);
    expect(first.items[0].commitCount).toBe(1);
    const second = await service.listReleases(ENTITY_REF, {
      limit: 2,
      cursor: first.nextCursor,
    });
    expect(second.items.map(r => r.version)).toEqual(['1.1.0']);
    expect(second.nextCursor).toBeUndefined();
    await expect(
      service.listDeployments(ENTITY_REF, { limit: 2, cursor: 'bogus' }),
    ).rejects.toThrow(InputError);
  });
});
