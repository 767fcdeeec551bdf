import type { ReleaseLinks, ReleaseView } from './renderRelease';

/** Which Slack channel an entity's releases go to (annotation, then Backstage's, then the default). */
export interface SlackChannelResolver {
  channelFor(entityRef: string): Promise<string | undefined>;
}

/** What the messages show, read from the ledger when a message is rendered (so it is never stale). */
export interface ReleaseViewSource {
  /** The release as the parent shows it; undefined when the ledger has no such release. */
  releaseView(
    entityRef: string,
    version: string,
  ): Promise<ReleaseView | undefined>;
  links(entityRef: string): Promise<ReleaseLinks>;
}
