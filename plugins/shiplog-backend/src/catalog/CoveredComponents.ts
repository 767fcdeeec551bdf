import {
  AuthService,
  BackstageCredentials,
} from '@backstage/backend-plugin-api';
import {
  Entity,
  RELATION_CHILD_OF,
  RELATION_OWNED_BY,
  RELATION_PART_OF,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { TtlCache } from '../cache/TtlCache';
import { CoveredComponent } from '../ledger/rollup';

/** Child groups are walked this deep at most: a cycle or a runaway tree cannot stall a request. */
const MAX_GROUP_DEPTH = 10;
/** What org views need of each component: its name, title and the environments annotation. */
const FIELDS = [
  'kind',
  'metadata.namespace',
  'metadata.name',
  'metadata.title',
  'metadata.annotations',
];

/** The kinds org views answer for. */
export const ORG_VIEW_KINDS = ['component', 'system', 'group', 'domain'];

const refOf = (entity: Entity) =>
  stringifyEntityRef(entity).toLocaleLowerCase('en-US');

/**
 * The components an entity covers, as the caller may see them in the catalog: a Component itself, a
 * System's `partOf` components, a Group's owned components (child groups' included), a Domain's
 * systems' components. Answers are kept briefly per caller: the tab, the card and the DORA card of
 * one page ask together.
 */
export class CoveredComponents {
  private readonly cache: TtlCache<CoveredComponent[]>;

  constructor(
    private readonly catalog: CatalogService,
    private readonly auth: AuthService,
    ttlMs = 30_000,
  ) {
    this.cache = new TtlCache(ttlMs, 1000);
  }

  async of(
    entity: Entity,
    credentials: BackstageCredentials,
  ): Promise<CoveredComponent[]> {
    const kind = entity.kind.toLocaleLowerCase('en-US');
    if (!ORG_VIEW_KINDS.includes(kind)) {
      throw new InputError(
        `A rollup covers a Component, System, Group or Domain, not a ${entity.kind}`,
      );
    }
    if (kind === 'component') {
      return [{ entityRef: refOf(entity), entity }];
    }
    const principal = credentials.principal as {
      userEntityRef?: string;
      subject?: string;
    };
    const key = `${
      principal.userEntityRef ?? principal.subject ?? ''
    }\u0000${refOf(entity)}`;
    return this.cache.get(key, async () => {
      const onBehalfOf = this.auth.isPrincipal(credentials, 'user')
        ? credentials
        : await this.auth.getOwnServiceCredentials();
      const query = (filter: Record<string, string | string[]>) =>
        this.query(filter, onBehalfOf);
      if (kind === 'system') {
        return query({
          kind: 'component',
          [`relations.${RELATION_PART_OF}`]: refOf(entity),
        });
      }
      if (kind === 'domain') {
        const systems = await query({
          kind: 'system',
          [`relations.${RELATION_PART_OF}`]: refOf(entity),
        });
        return systems.length
          ? query({
              kind: 'component',
              [`relations.${RELATION_PART_OF}`]: systems.map(s => s.entityRef),
            })
          : [];
      }
      const groups = await this.groupTree(refOf(entity), query);
      return query({
        kind: 'component',
        [`relations.${RELATION_OWNED_BY}`]: groups,
      });
    });
  }

  /** The group and its child groups, level by level. */
  private async groupTree(
    groupRef: string,
    query: (
      filter: Record<string, string | string[]>,
    ) => Promise<CoveredComponent[]>,
  ): Promise<string[]> {
    const seen = new Set([groupRef]);
    let level = [groupRef];
    for (let depth = 0; depth < MAX_GROUP_DEPTH && level.length; depth++) {
      const children = await query({
        kind: 'group',
        [`relations.${RELATION_CHILD_OF}`]: level,
      });
      level = children.map(c => c.entityRef).filter(ref => !seen.has(ref));
      level.forEach(ref => seen.add(ref));
    }
    return [...seen];
  }

  private async query(
    filter: Record<string, string | string[]>,
    credentials: BackstageCredentials,
  ): Promise<CoveredComponent[]> {
    const { items } = await this.catalog.getEntities(
      { filter, fields: FIELDS },
      { credentials },
    );
    return items
      .map(entity => ({ entityRef: refOf(entity), entity }))
      .sort((a, b) => a.entityRef.localeCompare(b.entityRef));
  }
}
