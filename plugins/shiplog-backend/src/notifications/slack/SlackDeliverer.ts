import type {
  LoggerService,
  SchedulerService,
} from '@backstage/backend-plugin-api';
import { randomUUID } from 'crypto';
import { DatabaseOutboxStore } from '../outbox/DatabaseOutboxStore';
import type { OutboxRow, ThreadKey } from '../outbox/types';
import { REPLY_KEY, renderStageReply } from './renderStage';
import {
  afterSend,
  asSlackError,
  BACKOFF_MS,
  lookupMaybe,
  MaybePosted,
  sendOnce,
} from './deliveryFailures';
import { ParentMessages } from './ParentMessages';
import { SlackApi, SlackCallError } from './SlackApi';
import type { ReleaseViewSource, SlackChannelResolver } from './types';

export interface SlackDelivererOptions {
  store: DatabaseOutboxStore;
  slack: SlackApi;
  channels: SlackChannelResolver;
  releases: ReleaseViewSource;
  logger: LoggerService;
  /** Environments whose events post; all when undefined. */
  environments?: string[];
  /** A parent is updated at most once per interval. Default 5 s. */
  parentUpdateIntervalMs?: number;
  /** Rows claimed at a time. Default 100. */
  batchSize?: number;
  /** Entities delivered side by side. Default 8. */
  concurrency?: number;
  /** Tells deliverers apart in claims (tests name them). */
  owner?: string;
  now?: () => number;
}

/** What one pass did. `stopped` says why it stopped early (Slack rate-limited, refused the token, or was unreachable). */
export interface DeliveryPass {
  claimed: number;
  sent: number;
  skipped: number;
  failed: number;
  stopped?: 'rate-limited' | 'unauthorized' | 'unreachable';
}

/**
 * Delivers the outbox to Slack: per row, the release's parent message first (posted once, its ts
 * stored before any reply goes out), then one threaded reply; parents are kept current with
 * `chat.update`, coalesced to one update per interval.
 *
 * Never twice, never lost: a row is claimed (leased), its send is marked before the call, and it is
 * marked delivered after. A crash before the mark leaves the lease to run out; the next deliverer
 * sees the send mark and first looks for the message in the thread by its metadata (`outbox_id`),
 * marking it delivered if Slack has it and sending it otherwise. The same holds for the parent
 * (found by its `release` metadata among the channel's messages since the post began).
 */
export class SlackDeliverer {
  private readonly owner: string;
  private readonly now: () => number;
  private readonly intervalMs: number;
  private pausedUntil = 0;
  private readonly parents: ParentMessages;

  constructor(private readonly options: SlackDelivererOptions) {
    this.owner = options.owner ?? `slack-${randomUUID()}`;
    this.now = options.now ?? Date.now;
    this.intervalMs = options.parentUpdateIntervalMs ?? 5_000;
    this.parents = new ParentMessages({
      ...options,
      now: this.now,
      intervalMs: this.intervalMs,
    });
  }

  /**
   * Registers the delivery task: global scope, so one replica delivers at a time; every 2 s, and each
   * run keeps delivering while a burst lasts (up to `budgetMs`), so a burst costs no scheduling delay.
   */
  async schedule(
    scheduler: SchedulerService,
    budgetMs = 30_000,
  ): Promise<void> {
    await scheduler.scheduleTask({
      id: 'shiplog-slack-delivery',
      scope: 'global',
      frequency: { seconds: 2 },
      timeout: { minutes: 2 },
      fn: async signal => {
        await this.run(signal, budgetMs);
      },
    });
  }

  /** Delivers until nothing is due within the budget (or the task is aborted). */
  async run(signal?: AbortSignal, budgetMs = 30_000): Promise<void> {
    const deadline = Date.now() + budgetMs;
    while (!signal?.aborted) {
      const pass = await this.deliverDue();
      const updated = await this.updateParents();
      const next = await this.nextDueAt();
      const wait =
        next === undefined ? undefined : Math.max(next - this.now(), 0);
      if (wait === undefined || Date.now() + wait > deadline) return;
      // Rows due but held elsewhere (or behind a row in backoff) are not polled in a tight loop.
      const idle = pass.claimed === 0 && updated === 0;
      await sleep(Math.min(Math.max(wait, idle ? 250 : 0), 1_000));
    }
  }

  /** One pass over the due rows, then the due parent updates. */
  async deliverDue(): Promise<DeliveryPass> {
    const pass: DeliveryPass = { claimed: 0, sent: 0, skipped: 0, failed: 0 };
    if (this.now() < this.pausedUntil) {
      return { ...pass, stopped: 'rate-limited' };
    }
    const rows = await this.options.store.claim({
      owner: this.owner,
      now: this.now(),
      limit: this.options.batchSize ?? 100,
    });
    pass.claimed = rows.length;
    // Entities go out side by side; one entity's rows in order, one at a time.
    const groups = groupByEntity(rows);
    const lanes = Array.from(
      { length: Math.min(this.options.concurrency ?? 8, groups.length) },
      async () => {
        for (let group = groups.shift(); group; group = groups.shift()) {
          await this.deliverGroup(group, pass);
        }
      },
    );
    await Promise.all(lanes);
    return pass;
  }

  private async deliverGroup(rows: OutboxRow[], pass: DeliveryPass) {
    for (let i = 0; i < rows.length; i++) {
      if (pass.stopped) {
        // Another lane hit a limit: the rest waits for the next pass.
        await this.options.store.release(
          this.owner,
          rows.slice(i).map(r => r.id),
        );
        return;
      }
      try {
        const outcome = await this.deliverRow(rows[i]);
        if (outcome) pass[outcome] += 1;
      } catch (error) {
        const stopped = await this.handleFailure(
          rows[i],
          error,
          rows.slice(i + 1),
        );
        if (stopped) {
          pass.stopped = stopped;
          return;
        }
        pass.failed += 1;
      }
    }
  }

  /** Brings parents showing an older state up to date, at most once per interval each. */
  async updateParents(): Promise<number> {
    if (this.now() < this.pausedUntil) return 0;
    const { updated, failure } = await this.parents.updateDue();
    if (failure) this.pause(failure);
    return updated;
  }

  /** When something is due next (a row or a parent update), to sleep until then. */
  async nextDueAt(): Promise<number | undefined> {
    const times = (
      await Promise.all([
        this.options.store.nextRowDueAt(),
        this.options.store.nextParentUpdateAt(this.intervalMs),
      ])
    ).filter((t): t is number => t !== undefined);
    return times.length
      ? Math.max(Math.min(...times), this.pausedUntil)
      : undefined;
  }

  private async deliverRow(
    row: OutboxRow,
  ): Promise<'sent' | 'skipped' | undefined> {
    const { store, slack, releases, channels } = this.options;
    // The ingest hook wrote the release the ledger folded the event into.
    const version = row.version;
    const channel = version
      ? await channels.channelFor(row.entityRef)
      : undefined;
    if (!version || !channel) {
      await this.finish(row, 'skipped', {
        error: version ? 'no Slack channel' : 'no release',
      });
      return 'skipped';
    }
    const key: ThreadKey = { entityRef: row.entityRef, version, channel };
    let thread = await store.getThread(key);
    if (!this.posts(row.environment)) {
      // Not posted here, but the parent's chips show it.
      if (thread?.ts) await store.bumpRevision(key);
      await this.finish(row, 'skipped', {
        error: `${row.environment} does not post`,
      });
      return 'skipped';
    }
    if (!(await store.holds(row.id, this.owner, this.now()))) return undefined;
    let postedParentNow = false;
    if (!thread?.ts || !thread.channelId) {
      thread = await this.parents.ensure(key, thread);
      postedParentNow = true;
    }
    if (row.sendStartedAt) {
      const found = await lookupMaybe(() =>
        slack.findByMetadata({
          channelId: thread!.channelId!,
          threadTs: thread!.ts,
          key: REPLY_KEY,
          value: row.id,
        }),
      );
      if (found) {
        await this.finish(row, 'sent', {
          channel: thread.channelId,
          ts: found,
        });
        if (!postedParentNow) await store.bumpRevision(key);
        return 'sent';
      }
    }
    if (!(await store.startSend(row.id, this.owner, this.now())))
      return undefined;
    const links = await releases.links(row.entityRef);
    const posted = await sendOnce(() =>
      slack.post(
        thread!.channelId!,
        renderStageReply(row, version, links),
        thread!.ts,
      ),
    );
    // From here on the message is in Slack: any failure keeps the send mark, so a retry looks first.
    await afterSend(() =>
      this.finish(row, 'sent', { channel: posted.channelId, ts: posted.ts }),
    );
    if (!postedParentNow) await store.bumpRevision(key);
    return 'sent';
  }

  /** Decides what a failed row means for it and the rows after it; answers why the pass stops, if it does. */
  private async handleFailure(
    row: OutboxRow,
    error: unknown,
    rest: OutboxRow[],
  ): Promise<DeliveryPass['stopped']> {
    const { store, logger } = this.options;
    const maybePosted = error instanceof MaybePosted;
    const failure =
      error instanceof MaybePosted ? error.cause : asSlackError(error);
    if (failure.kind === 'refused') {
      logger.warn(
        `Slack message for ${row.eventId} not delivered: ${failure.message}`,
      );
      await this.finish(row, 'failed', { error: failure.message });
      return undefined;
    }
    const now = this.now();
    const availableAt =
      failure.kind === 'rate-limited'
        ? now + (failure.retryAfterMs ?? 1000)
        : now + BACKOFF_MS[Math.min(row.attempts, BACKOFF_MS.length - 1)];
    await store.retryLater([row.id], this.owner, {
      availableAt,
      error: failure.message,
      countAttempt: failure.kind !== 'rate-limited',
      // A row sent before keeps its mark until a lookup settles it.
      sendMayHaveHappened: maybePosted || row.sendStartedAt !== undefined,
    });
    await store.release(
      this.owner,
      rest.map(r => r.id),
    );
    this.pause(failure);
    if (failure.kind !== 'rate-limited') {
      logger.warn(`Slack delivery paused: ${failure.message}`);
    }
    return failure.kind;
  }

  private pause(failure: SlackCallError) {
    const ms =
      failure.kind === 'rate-limited' ? failure.retryAfterMs ?? 1000 : 5_000;
    this.pausedUntil = Math.max(this.pausedUntil, this.now() + ms);
  }

  private async finish(
    row: OutboxRow,
    outcome: 'sent' | 'skipped' | 'failed',
    details: { channel?: string; ts?: string; error?: string },
  ) {
    await this.options.store.markDelivered(row.id, this.owner, {
      outcome,
      now: this.now(),
      ...details,
    });
  }

  /** With an environment list, only events of those environments post (build and publish show on the parent). */
  private posts(environment?: string): boolean {
    const only = this.options.environments;
    return !only || (environment !== undefined && only.includes(environment));
  }
}

function groupByEntity(rows: OutboxRow[]): OutboxRow[][] {
  const groups = new Map<string, OutboxRow[]>();
  for (const row of rows) {
    const group = groups.get(row.entityRef);
    if (group) group.push(row);
    else groups.set(row.entityRef, [row]);
  }
  return [...groups.values()];
}

function sleep(ms: number) {
  return new Promise(resolve => setTimeout(resolve, ms));
}
