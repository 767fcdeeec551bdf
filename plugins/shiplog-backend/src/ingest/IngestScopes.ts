import {
  AuthService,
  BackstageCredentials,
  LoggerService,
} from '@backstage/backend-plugin-api';
import {
  Entity,
  parseEntityRef,
  RELATION_CHILD_OF,
  RELATION_OWNED_BY,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { Config } from '@backstage/config';
import { InputError, NotAllowedError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { TtlCache } from '../cache/TtlCache';

/** One entry of `shiplog.ingest.entities`, parsed. */
export type IngestPattern =
  | { type: 'entity'; entityRef: string }
  | { type: 'owner'; groupRef: string }
  | { type: 'all' };

export interface IngestScopeRule {
  subject: string;
  patterns: IngestPattern[];
}

/** Deepest group hierarchy walked upwards; a cycle or a very deep tree stops here. */
const MAX_GROUP_DEPTH = 20;
/** Most out-of-scope entities named in one refusal. */
const MAX_NAMED = 5;

const normalizedRef = (ref: string, defaultKind: string) =>
  stringifyEntityRef(
    parseEntityRef(ref, { defaultKind, defaultNamespace: 'default' }),
  ).toLocaleLowerCase('en-US');

/** Parses `component:default/x`, `owner:group:default/team` or `*`, saying which config entry is wrong. */
export function parseIngestPattern(
  value: string,
  where: string,
): IngestPattern {
  const trimmed = value.trim();
  if (trimmed === '*') return { type: 'all' };
  try {
    if (trimmed.startsWith('owner:')) {
      return {
        type: 'owner',
        groupRef: normalizedRef(trimmed.slice('owner:'.length), 'group'),
      };
    }
    return { type: 'entity', entityRef: normalizedRef(trimmed, 'component') };
  } catch (error) {
    throw new InputError(
      `${where} "${value}" must be an entity ref, owner:<group ref> or *: ${
        (error as Error).message
      }`,
    );
  }
}

/** Reads `shiplog.ingest.subjects`; undefined when it is not configured. */
export function readIngestScopeRules(
  config: Config,
): IngestScopeRule[] | undefined {
  const entries = config.getOptionalConfigArray('shiplog.ingest.subjects');
  if (!entries) return undefined;
  return entries.map((entry, index) => ({
    subject: entry.getString('subject'),
    patterns: entry
      .getStringArray('entities')
      .map((value, i) =>
        parseIngestPattern(
          value,
          `shiplog.ingest.subjects[${index}].entities[${i}]`,
        ),
      ),
  }));
}

/** The subject a service principal reports as: a static token's `subject`, or `plugin:<id>`. */
export function ingestSubjectOf(
  credentials: BackstageCredentials,
): string | undefined {
  const principal = credentials.principal as {
    type?: string;
    subject?: string;
  };
  return principal.type === 'service' ? principal.subject : undefined;
}

/**
 * Decides which entities a service may report events for (`shiplog.ingest.subjects`), so a CI token of
 * one team cannot write another team's ledger and, through auto-promotion, its GitOps repository.
 * Owners and group trees come from the catalog and are cached briefly.
 */
export class IngestScopes {
  private readonly owners: TtlCache<string[]>;
  private readonly ancestors: TtlCache<string[]>;
  private readonly bySubject: Map<string, IngestPattern[]> | undefined;

  static fromConfig(
    config: Config,
    deps: { catalog: CatalogService; auth: AuthService; logger: LoggerService },
  ): IngestScopes {
    const rules = readIngestScopeRules(config);
    if (!rules) {
      deps.logger.warn(
        'shiplog.ingest.subjects is not configured: every service may report events for every entity. List which subject may report for which entities before production use.',
      );
    }
    return new IngestScopes(rules, deps.catalog, deps.auth);
  }

  constructor(
    rules: IngestScopeRule[] | undefined,
    private readonly catalog: CatalogService,
    private readonly auth: AuthService,
    ttlMs = 60_000,
  ) {
    this.owners = new TtlCache(ttlMs);
    this.ancestors = new TtlCache(ttlMs);
    if (rules) {
      this.bySubject = new Map();
      for (const rule of rules) {
        const known = this.bySubject.get(rule.subject) ?? [];
        this.bySubject.set(rule.subject, [...known, ...rule.patterns]);
      }
    }
  }

  /** Throws a NotAllowedError naming the entities the subject may not report for. */
  async assertAllowed(
    subject: string | undefined,
    entityRefs: Iterable<string>,
  ): Promise<void> {
    if (!this.bySubject) return;
    const patterns = (subject && this.bySubject.get(subject)) || [];
    const refused: string[] = [];
    for (const entityRef of new Set(entityRefs)) {
      if (!(await this.inScope(patterns, entityRef))) refused.push(entityRef);
      if (refused.length >= MAX_NAMED) break;
    }
    if (refused.length) {
      throw new NotAllowedError(
        `${subject ?? 'this caller'} may not report events for ${refused.join(
          ', ',
        )} (shiplog.ingest.subjects)`,
      );
    }
  }

  private async inScope(
    patterns: IngestPattern[],
    entityRef: string,
  ): Promise<boolean> {
    for (const pattern of patterns) {
      if (pattern.type === 'all') return true;
      if (pattern.type === 'entity' && pattern.entityRef === entityRef) {
        return true;
      }
    }
    const groups = patterns.flatMap(p =>
      p.type === 'owner' ? [p.groupRef] : [],
    );
    if (!groups.length) return false;
    for (const owner of await this.ownersOf(entityRef)) {
      const tree = await this.groupAndAncestors(owner);
      if (groups.some(group => tree.includes(group))) return true;
    }
    return false;
  }

  private ownersOf(entityRef: string): Promise<string[]> {
    return this.owners.get(entityRef, async () =>
      relationTargets(await this.entity(entityRef), RELATION_OWNED_BY),
    );
  }

  /** The group and every group above it (`childOf`), walked breadth first with a depth bound. */
  private groupAndAncestors(groupRef: string): Promise<string[]> {
    return this.ancestors.get(groupRef, async () => {
      const seen = new Set([groupRef]);
      let level = [groupRef];
      for (let depth = 0; depth < MAX_GROUP_DEPTH && level.length; depth++) {
        const parents = await Promise.all(
          level.map(async ref =>
            relationTargets(await this.entity(ref), RELATION_CHILD_OF),
          ),
        );
        level = parents.flat().filter(ref => !seen.has(ref));
        level.forEach(ref => seen.add(ref));
      }
      return [...seen];
    });
  }

  private async entity(entityRef: string): Promise<Entity | undefined> {
    return this.catalog.getEntityByRef(entityRef, {
      credentials: await this.auth.getOwnServiceCredentials(),
    });
  }
}

function relationTargets(entity: Entity | undefined, type: string): string[] {
  return (entity?.relations ?? [])
    .filter(relation => relation.type === type)
    .map(relation => relation.targetRef.toLocaleLowerCase('en-US'));
}
