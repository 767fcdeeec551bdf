import type { LoggerService } from '@backstage/backend-plugin-api';
import { DatabaseOutboxStore } from '../outbox/DatabaseOutboxStore';
import type { ThreadKey, ThreadRecord } from '../outbox/types';
import {
  afterSend,
  asSlackError,
  lookupMaybe,
  sendOnce,
} from './deliveryFailures';
import { releaseKey } from './mrkdwn';
import { renderReleaseParent, type ReleaseView } from './renderRelease';
import { SlackApi, SlackCallError } from './SlackApi';
import type { ReleaseViewSource } from './types';

/**
 * A release's parent message in each channel: posted once (found again by its `release` metadata if a
 * crash came between the post and storing its ts), and kept current with `chat.update`, at most once
 * per interval.
 */
export class ParentMessages {
  constructor(
    private readonly options: {
      store: DatabaseOutboxStore;
      slack: SlackApi;
      releases: ReleaseViewSource;
      logger: LoggerService;
      now: () => number;
      intervalMs: number;
    },
  ) {}

  /** Posts the release's parent once; a parent post that may have gone through is looked for first. */
  async ensure(key: ThreadKey, thread?: ThreadRecord): Promise<ThreadRecord> {
    const { store, slack } = this.options;
    if (thread?.postStartedAt) {
      const channelId =
        thread.channelId ??
        (await lookupMaybe(() => slack.channelId(key.channel)));
      const ts = channelId
        ? await lookupMaybe(() =>
            slack.findByMetadata({
              channelId,
              oldest: ((thread!.postStartedAt! - 60_000) / 1000).toFixed(6),
              key: 'release',
              value: releaseKey(key.entityRef, key.version),
            }),
          )
        : undefined;
      if (channelId && ts) {
        // Rendered revision -1: the parent found may show an older state, so it is updated soon.
        await store.setParent(key, {
          channelId,
          ts,
          revision: -1,
          now: this.options.now(),
        });
        return (await store.getThread(key))!;
      }
    }
    await store.startParentPost(key, this.options.now());
    const revision = (await store.getThread(key))!.revision;
    const view = await this.viewOf(key.entityRef, key.version);
    let posted: { channelId: string; ts: string };
    try {
      posted = await sendOnce(() =>
        slack.post(key.channel, renderReleaseParent(view)),
      );
    } catch (error) {
      // Slack answered (refused, 429, token): nothing was posted, so the next try need not look.
      if (error instanceof SlackCallError) await store.clearParentPost(key);
      throw error;
    }
    await afterSend(() =>
      store.setParent(key, { ...posted, revision, now: this.options.now() }),
    );
    return (await store.getThread(key))!;
  }

  /** Brings parents showing an older state up to date, at most once per interval each. */
  async updateDue(): Promise<{ updated: number; failure?: SlackCallError }> {
    const due = await this.options.store.claimParentUpdates({
      now: this.options.now(),
      intervalMs: this.options.intervalMs,
      limit: 20,
    });
    let updated = 0;
    for (const [index, thread] of due.entries()) {
      try {
        const view = await this.viewOf(thread.entityRef, thread.version);
        await this.options.slack.update(
          thread.channelId!,
          thread.ts!,
          renderReleaseParent(view),
        );
        await this.options.store.finishParentUpdate(thread, {
          revision: thread.revision,
          now: this.options.now(),
        });
        updated += 1;
      } catch (error) {
        const failure = asSlackError(error);
        // A parent Slack will not update (deleted, too old) is left as it is, not retried forever.
        const giveUp = failure.kind === 'refused';
        await this.options.store.finishParentUpdate(thread, {
          revision: giveUp ? thread.revision : undefined,
          now: this.options.now(),
        });
        if (!giveUp) {
          for (const rest of due.slice(index + 1)) {
            await this.options.store.finishParentUpdate(rest, {
              now: this.options.now(),
            });
          }
          return { updated, failure };
        }
        this.options.logger.warn(
          `Slack parent of ${releaseKey(
            thread.entityRef,
            thread.version,
          )} not updated: ${failure.message}`,
        );
      }
    }
    return { updated };
  }

  private async viewOf(
    entityRef: string,
    version: string,
  ): Promise<ReleaseView> {
    const view = await this.options.releases.releaseView(entityRef, version);
    if (view) return view;
    const links = await this.options.releases.links(entityRef);
    const title = entityRef.split('/').pop() ?? entityRef;
    return {
      entityRef,
      title,
      environments: [],
      links,
      release: {
        version,
        firstSeenAt: new Date(this.options.now()).toISOString(),
        stages: {},
        deployments: {},
        commits: [],
        commitCount: 0,
      },
    };
  }
}
