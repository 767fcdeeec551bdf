import {
  ErrorCode,
  WebClient,
  type Block,
  type KnownBlock,
  type MessageMetadata,
} from '@slack/web-api';
import type { LoggerService } from '@backstage/backend-plugin-api';

/** A Slack message as Shiplog sends it: fallback text, blocks, and metadata naming what it is. */
export interface SlackMessageContent {
  text: string;
  blocks: Array<Block | KnownBlock>;
  metadata: {
    event_type: string;
    event_payload: Record<string, string | number>;
  };
}

/** Why a Slack call failed, as far as the deliverer cares. */
export type SlackFailureKind =
  /** 429: nothing was posted; wait `retryAfterMs`. */
  | 'rate-limited'
  /** Slack answered with an error that retrying will not fix (channel_not_found, msg_too_long, ...). */
  | 'refused'
  /** The token is missing, wrong, revoked or lacks a scope: nothing goes out until an operator fixes it. */
  | 'unauthorized'
  /** No answer (network, timeout, 5xx): the call may or may not have taken effect. */
  | 'unreachable';

export class SlackCallError extends Error {
  constructor(
    readonly kind: SlackFailureKind,
    message: string,
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'SlackCallError';
  }
}

const UNAUTHORIZED = new Set([
  'not_authed',
  'invalid_auth',
  'account_inactive',
  'token_revoked',
  'token_expired',
  'missing_scope',
  'no_permission',
  'not_allowed_token_type',
  'ekm_access_denied',
]);
const TRANSIENT = new Set([
  'internal_error',
  'fatal_error',
  'service_unavailable',
  'request_timeout',
  'ratelimited',
]);

/**
 * The few Slack Web API methods Shiplog uses, through `@slack/web-api` with its own retries off: the
 * outbox decides when to retry (a retry inside the client after a timeout could post twice) and honours
 * `Retry-After` across runs and replicas instead of sleeping in a request.
 */
export class SlackApi {
  private readonly client: WebClient;

  constructor(options: {
    token: string;
    apiUrl?: string;
    timeoutMs?: number;
    logger?: LoggerService;
  }) {
    this.client = new WebClient(options.token, {
      slackApiUrl: options.apiUrl,
      retryConfig: { retries: 0 },
      rejectRateLimitedCalls: true,
      timeout: options.timeoutMs ?? 10_000,
    });
  }

  /** Posts a message (a reply when `threadTs` is given) and answers Slack's channel ID and ts. */
  async post(
    channel: string,
    content: SlackMessageContent,
    threadTs?: string,
  ): Promise<{ channelId: string; ts: string }> {
    const answer = await this.call(() =>
      this.client.chat.postMessage({
        channel,
        text: content.text,
        blocks: content.blocks,
        metadata: content.metadata as MessageMetadata,
        unfurl_links: false,
        unfurl_media: false,
        ...(threadTs ? { thread_ts: threadTs } : {}),
      }),
    );
    if (!answer.ts || !answer.channel) {
      throw new SlackCallError('refused', 'chat.postMessage answered no ts');
    }
    return { channelId: answer.channel, ts: answer.ts };
  }

  async update(
    channelId: string,
    ts: string,
    content: SlackMessageContent,
  ): Promise<void> {
    await this.call(() =>
      this.client.chat.update({
        channel: channelId,
        ts,
        text: content.text,
        blocks: content.blocks,
        metadata: content.metadata as MessageMetadata,
      }),
    );
  }

  /** A channel's ID from its name (`#deploys` or `deploys`); an ID is answered as it is. */
  async channelId(channel: string): Promise<string | undefined> {
    if (/^[CG][A-Z0-9]{8,}$/.test(channel)) return channel;
    const name = channel.replace(/^#/, '');
    let cursor: string | undefined;
    for (let page = 0; page < 50; page++) {
      const after = cursor;
      const answer = await this.call(() =>
        this.client.conversations.list({
          types: 'public_channel,private_channel',
          exclude_archived: true,
          limit: 1000,
          cursor: after,
        }),
      );
      const found = answer.channels?.find(c => c.name === name);
      if (found?.id) return found.id;
      cursor = answer.response_metadata?.next_cursor || undefined;
      if (!cursor) return undefined;
    }
    return undefined;
  }

  /**
   * Looks for a message Shiplog may have posted before a crash: among a thread's replies (with
   * `threadTs`) or the channel's top-level messages since `oldest`, the one whose metadata has
   * `key` = `value`. Answers its ts.
   */
  async findByMetadata(options: {
    channelId: string;
    threadTs?: string;
    oldest?: string;
    key: string;
    value: string | number;
  }): Promise<string | undefined> {
    let cursor: string | undefined;
    for (let page = 0; page < 20; page++) {
      const after = cursor;
      const answer = await this.call(() =>
        options.threadTs
          ? this.client.conversations.replies({
              channel: options.channelId,
              ts: options.threadTs!,
              include_all_metadata: true,
              limit: 200,
              cursor: after,
            })
          : this.client.conversations.history({
              channel: options.channelId,
              oldest: options.oldest,
              include_all_metadata: true,
              limit: 200,
              cursor: after,
            }),
      );
      const found = (answer.messages ?? []).find(
        message =>
          String(
            (
              message.metadata?.event_payload as
                | Record<string, unknown>
                | undefined
            )?.[options.key],
          ) === String(options.value),
      );
      if (found?.ts) return found.ts;
      cursor = answer.response_metadata?.next_cursor || undefined;
      if (!answer.has_more || !cursor) return undefined;
    }
    return undefined;
  }

  private async call<T>(send: () => Promise<T>): Promise<T> {
    try {
      return await send();
    } catch (error) {
      throw toSlackCallError(error);
    }
  }
}

/** Maps @slack/web-api's errors onto what the deliverer does about them. */
export function toSlackCallError(error: unknown): SlackCallError {
  const e = error as {
    code?: string;
    retryAfter?: number;
    statusCode?: number;
    data?: { error?: string };
    message?: string;
  };
  switch (e.code) {
    case ErrorCode.RateLimitedError:
      return new SlackCallError(
        'rate-limited',
        'Slack answered 429 ratelimited',
        Math.max(1, e.retryAfter ?? 1) * 1000,
      );
    case ErrorCode.PlatformError: {
      const code = e.data?.error ?? 'unknown_error';
      if (UNAUTHORIZED.has(code)) {
        return new SlackCallError(
          'unauthorized',
          `Slack refused the token: ${code}`,
        );
      }
      if (TRANSIENT.has(code)) {
        return new SlackCallError('unreachable', `Slack failed: ${code}`);
      }
      return new SlackCallError('refused', `Slack refused: ${code}`);
    }
    case ErrorCode.HTTPError:
      if (e.statusCode === 401 || e.statusCode === 403) {
        return new SlackCallError(
          'unauthorized',
          `Slack answered HTTP ${e.statusCode}`,
        );
      }
      return new SlackCallError(
        'unreachable',
        `Slack answered HTTP ${e.statusCode}`,
      );
    default:
      return new SlackCallError(
        'unreachable',
        `Slack did not answer: ${e.message ?? String(error)}`,
      );
  }
}
