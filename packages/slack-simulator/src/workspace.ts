/**
 * The state of a simulated Slack workspace: channels and their messages, with Slack's own rules for
 * message timestamps (`ts`, unique per channel and increasing), threads (`thread_ts`) and edits.
 */

/** A message as Slack's Web API returns it (the fields Shiplog and the page use). */
export interface SlackMessage {
  type: 'message';
  ts: string;
  text: string;
  user: string;
  bot_id: string;
  app_id: string;
  team: string;
  thread_ts?: string;
  reply_count?: number;
  latest_reply?: string;
  blocks?: unknown[];
  attachments?: unknown[];
  metadata?: { event_type: string; event_payload: Record<string, unknown> };
  edited?: { user: string; ts: string };
}

export interface SlackChannel {
  id: string;
  name: string;
  messages: SlackMessage[];
}

export interface PostInput {
  channel: string;
  text?: string;
  blocks?: unknown[];
  attachments?: unknown[];
  thread_ts?: string;
  metadata?: { event_type: string; event_payload: Record<string, unknown> };
}

export interface UpdateInput {
  channel: string;
  ts: string;
  text?: string;
  blocks?: unknown[];
  attachments?: unknown[];
  metadata?: { event_type: string; event_payload: Record<string, unknown> };
}

/** A Slack API error: the `error` string of `{ ok: false, error }`. */
export class SlackApiError extends Error {
  constructor(readonly code: string) {
    super(code);
  }
}

export const BOT = {
  user: 'U0SHIPLOG',
  bot_id: 'B0SHIPLOG',
  app_id: 'A0SHIPLOG',
  team: 'T0SHIPLOG',
};

export class SlackWorkspace {
  private readonly channels = new Map<string, SlackChannel>();
  private readonly idsByName = new Map<string, string>();
  private lastTs = 0;

  constructor(private readonly now: () => number = Date.now) {}

  /** Every channel with its messages, oldest first. */
  list(): SlackChannel[] {
    return [...this.channels.values()];
  }

  /**
   * A channel by ID (`C…`) or name (`#deploys` or `deploys`); a name is created on first use, as if
   * the bot had been invited there. An ID never seen is `channel_not_found`, as in Slack.
   */
  channel(idOrName: string): SlackChannel {
    const byId = this.channels.get(idOrName);
    if (byId) {
      return byId;
    }
    if (/^[CGD][A-Z0-9]{8,}$/.test(idOrName)) {
      throw new SlackApiError('channel_not_found');
    }
    const name = idOrName.replace(/^#/, '');
    if (!name || !/^[a-z0-9][a-z0-9._-]{0,79}$/.test(name)) {
      throw new SlackApiError('channel_not_found');
    }
    const known = this.idsByName.get(name);
    if (known) {
      return this.channels.get(known)!;
    }
    const id = `C${String(this.channels.size + 1).padStart(10, '0')}`;
    const created: SlackChannel = { id, name, messages: [] };
    this.channels.set(id, created);
    this.idsByName.set(name, id);
    return created;
  }

  post(input: PostInput): { channel: SlackChannel; message: SlackMessage } {
    if (!input.text && !input.blocks?.length && !input.attachments?.length) {
      throw new SlackApiError('no_text');
    }
    const channel = this.channel(input.channel);
    let parent: SlackMessage | undefined;
    if (input.thread_ts) {
      parent = channel.messages.find(m => m.ts === input.thread_ts);
      if (!parent) {
        throw new SlackApiError('thread_not_found');
      }
      if (parent.thread_ts && parent.thread_ts !== parent.ts) {
        // A reply to a reply lands in the thread of its parent, as in Slack.
        parent = channel.messages.find(m => m.ts === parent!.thread_ts);
      }
    }
    const ts = this.nextTs();
    const message: SlackMessage = {
      type: 'message',
      ts,
      text: input.text ?? '',
      ...BOT,
      ...(input.blocks ? { blocks: input.blocks } : {}),
      ...(input.attachments ? { attachments: input.attachments } : {}),
      ...(input.metadata ? { metadata: input.metadata } : {}),
    };
    if (parent) {
      message.thread_ts = parent.ts;
      parent.thread_ts = parent.ts;
      parent.reply_count = (parent.reply_count ?? 0) + 1;
      parent.latest_reply = ts;
    }
    channel.messages.push(message);
    return { channel, message };
  }

  update(input: UpdateInput): { channel: SlackChannel; message: SlackMessage } {
    const channel = this.channel(input.channel);
    const message = channel.messages.find(m => m.ts === input.ts);
    if (!message) {
      throw new SlackApiError('message_not_found');
    }
    if (!input.text && !input.blocks && !input.attachments) {
      throw new SlackApiError('no_text');
    }
    if (input.text !== undefined) message.text = input.text;
    if (input.blocks !== undefined) message.blocks = input.blocks;
    if (input.attachments !== undefined)
      message.attachments = input.attachments;
    if (input.metadata !== undefined) message.metadata = input.metadata;
    message.edited = { user: BOT.user, ts: this.nextTs() };
    return { channel, message };
  }

  /** The parent and its replies, oldest first (`conversations.replies`). */
  replies(channelId: string, ts: string): SlackMessage[] {
    const channel = this.channel(channelId);
    const parent = channel.messages.find(m => m.ts === ts);
    if (!parent) {
      throw new SlackApiError('thread_not_found');
    }
    const root = parent.thread_ts ?? parent.ts;
    return channel.messages.filter(m => m.ts === root || m.thread_ts === root);
  }

  /** Top-level messages newest first, as `conversations.history` lists them (replies are not listed). */
  history(channelId: string, oldest?: string, latest?: string): SlackMessage[] {
    const channel = this.channel(channelId);
    return channel.messages
      .filter(m => !m.thread_ts || m.thread_ts === m.ts)
      .filter(m => !oldest || Number(m.ts) > Number(oldest))
      .filter(m => !latest || Number(m.ts) < Number(latest))
      .reverse();
  }

  /** Every message in every channel (for tests and the benchmark). */
  messageCount(): number {
    return this.list().reduce((sum, c) => sum + c.messages.length, 0);
  }

  private nextTs(): string {
    // Microseconds since the epoch, strictly increasing, written as Slack writes them.
    const micros = Math.max(this.now() * 1000, this.lastTs + 1);
    this.lastTs = micros;
    const seconds = Math.floor(micros / 1_000_000);
    const fraction = String(micros % 1_000_000).padStart(6, '0');
    return `${seconds}.${fraction}`;
  }
}
