import type { AuthService } from '@backstage/backend-plugin-api';
import {
  type Entity,
  parseEntityRef,
  RELATION_OWNED_BY,
} from '@backstage/catalog-model';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import { TtlCache } from '../cache/TtlCache';
import type { ReleaseLinks } from './slack/renderRelease';
import type { SlackChannelResolver } from './slack/types';

/** Shiplog's own annotation naming an entity's Slack channel. */
export const SLACK_CHANNEL_ANNOTATION = 'shiplog.dev/slack-channel';
/** The annotation of Backstage's Slack notification processor. */
export const BACKSTAGE_SLACK_ANNOTATION = 'slack.com/bot-notify';

/**
 * What notifications need to know about an entity, from the catalog with Shiplog's own credentials,
 * kept a minute (a burst of events about one component costs one catalog call): its Slack channel,
 * its owners, and the links its messages carry.
 */
export class EntityDirectory implements SlackChannelResolver {
  private readonly cache = new TtlCache<Entity | undefined>(60_000, 2000);

  constructor(
    private readonly options: {
      catalog: CatalogService;
      auth: AuthService;
      defaultChannel?: string;
      appBaseUrl?: string;
    },
  ) {}

  async entity(entityRef: string): Promise<Entity | undefined> {
    return this.cache.get(
      entityRef,
      async () =>
        (await this.options.catalog.getEntityByRef(entityRef, {
          credentials: await this.options.auth.getOwnServiceCredentials(),
        })) ?? undefined,
    );
  }

  /** `shiplog.dev/slack-channel`, else `slack.com/bot-notify`, else the default channel. */
  async channelFor(entityRef: string): Promise<string | undefined> {
    const annotations =
      (await this.entity(entityRef))?.metadata.annotations ?? {};
    return (
      annotations[SLACK_CHANNEL_ANNOTATION]?.trim() ||
      annotations[BACKSTAGE_SLACK_ANNOTATION]?.trim() ||
      this.options.defaultChannel
    );
  }

  /** The entity's owners (its ownedBy relations, else spec.owner). */
  async ownersOf(entityRef: string): Promise<string[]> {
    const entity = await this.entity(entityRef);
    const owners = (entity?.relations ?? [])
      .filter(relation => relation.type === RELATION_OWNED_BY)
      .map(relation => relation.targetRef);
    const specOwner = entity?.spec?.owner;
    if (!owners.length && typeof specOwner === 'string') {
      owners.push(stringify(specOwner, entity!.metadata.namespace));
    }
    return owners;
  }

  /** The entity's Deployments tab, and its pull requests when `github.com/project-slug` names the repository. */
  async links(entityRef: string): Promise<ReleaseLinks> {
    const slug = (await this.entity(entityRef))?.metadata.annotations?.[
      'github.com/project-slug'
    ];
    const validSlug =
      slug && /^[\w.-]+\/[\w.-]+$/.test(slug) ? slug : undefined;
    return {
      deploymentsTab: this.deploymentsTab(entityRef),
      pullRequest: validSlug
        ? number => `https://github.com/${validSlug}/pull/${number}`
        : undefined,
    };
  }

  deploymentsTab(entityRef: string): string | undefined {
    if (!this.options.appBaseUrl) return undefined;
    const { kind, namespace, name } = parseEntityRef(entityRef);
    return `${this.options.appBaseUrl}/catalog/${encodeURIComponent(
      namespace,
    )}/${encodeURIComponent(
      kind.toLocaleLowerCase('en-US'),
    )}/${encodeURIComponent(name)}/deployments`;
  }
}

function stringify(ref: string, namespace = 'default'): string {
  const parsed = parseEntityRef(ref, {
    defaultKind: 'group',
    defaultNamespace: namespace,
  });
  return `${parsed.kind.toLocaleLowerCase('en-US')}:${parsed.namespace}/${
    parsed.name
  }`;
}
