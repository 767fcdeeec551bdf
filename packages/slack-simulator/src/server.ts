import { createServer, IncomingMessage, Server, ServerResponse } from 'http';
import { AddressInfo } from 'net';
import { renderWorkspacePage } from './page';
import { BOT, SlackApiError, SlackWorkspace } from './workspace';

export interface SlackSimulatorOptions {
  /** The bot tokens the stand-in accepts (`Authorization: Bearer <token>`). */
  tokens: string[];
  /** Added before every API response, to measure what a slow Slack costs. */
  latencyMs?: number;
  /** The workspace's clock (tests pin it). */
  now?: () => number;
}

/** The next `calls` calls (of `method`, or any method) answer 429 `ratelimited` with `Retry-After`. */
export interface RateLimitRule {
  method?: string;
  calls: number;
  retryAfterSeconds: number;
}

type Params = Record<string, unknown>;
type Handler = (params: Params) => Record<string, unknown>;

/** Fields that form-encoded requests carry as JSON strings, as @slack/web-api sends them. */
const JSON_FIELDS = ['blocks', 'attachments', 'metadata'];

/**
 * A Slack Web API stand-in: `auth.test`, `chat.postMessage`, `chat.update`, `conversations.replies` and
 * `conversations.history` with Slack's documented response shapes (`{ ok, error }` with HTTP 200 for API
 * errors, 429 with `Retry-After` when rate limited), bearer-token checks, and `/` showing each channel's
 * threads. `/_sim/*` lets tests and the demo inspect and steer it.
 */
export class SlackSimulator {
  readonly workspace: SlackWorkspace;
  /** API calls received, per method, rate-limited ones included. */
  readonly calls: Record<string, number> = {};
  private readonly rules: RateLimitRule[] = [];
  private server?: Server;

  constructor(private readonly options: SlackSimulatorOptions) {
    this.workspace = new SlackWorkspace(options.now);
  }

  /** Starts listening on 127.0.0.1 (port 0 picks a free one) and answers the base URL. */
  async start(port = 0): Promise<string> {
    this.server = createServer((req, res) => {
      this.handle(req, res).catch(error => {
        res.statusCode = 500;
        res.end(String(error));
      });
    });
    await new Promise<void>(resolve =>
      this.server!.listen(port, '127.0.0.1', resolve),
    );
    const address = this.server.address() as AddressInfo;
    return `http://127.0.0.1:${address.port}`;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (server) {
      server.closeAllConnections();
      await new Promise(resolve => server.close(resolve));
    }
  }

  rateLimit(rule: RateLimitRule): void {
    this.rules.push({ ...rule });
  }

  totalCalls(): number {
    return Object.values(this.calls).reduce((a, b) => a + b, 0);
  }

  private readonly methods: Record<string, Handler> = {
    'auth.test': () => ({
      url: 'https://shiplog-demo.slack.com/',
      team: 'Shiplog demo',
      user: 'shiplog',
      team_id: BOT.team,
      user_id: BOT.user,
      bot_id: BOT.bot_id,
      is_enterprise_install: false,
    }),
    'chat.postMessage': params => {
      const { channel, message } = this.workspace.post({
        channel: requireString(params, 'channel'),
        text: optionalString(params, 'text'),
        blocks: params.blocks as unknown[] | undefined,
        attachments: params.attachments as unknown[] | undefined,
        thread_ts: optionalString(params, 'thread_ts'),
        metadata: params.metadata as never,
      });
      return { channel: channel.id, ts: message.ts, message };
    },
    'chat.update': params => {
      const { channel, message } = this.workspace.update({
        channel: requireString(params, 'channel'),
        ts: requireString(params, 'ts'),
        text: optionalString(params, 'text'),
        blocks: params.blocks as unknown[] | undefined,
        attachments: params.attachments as unknown[] | undefined,
        metadata: params.metadata as never,
      });
      return {
        channel: channel.id,
        ts: message.ts,
        text: message.text,
        message,
      };
    },
    'conversations.replies': params => ({
      messages: this.workspace.replies(
        requireString(params, 'channel'),
        requireString(params, 'ts'),
      ),
      has_more: false,
    }),
    'conversations.list': () => ({
      channels: this.workspace.list().map(channel => ({
        id: channel.id,
        name: channel.name,
        is_channel: true,
        is_archived: false,
        is_member: true,
      })),
      response_metadata: { next_cursor: '' },
    }),
    'conversations.history': params => ({
      messages: this.workspace.history(
        requireString(params, 'channel'),
        optionalString(params, 'oldest'),
        optionalString(params, 'latest'),
      ),
      has_more: false,
      pin_count: 0,
      response_metadata: { next_cursor: '' },
    }),
  };

  private async handle(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (req.method === 'GET' && (url.pathname === '/' || url.pathname === '')) {
      res.setHeader('content-type', 'text/html; charset=utf-8');
      res.end(renderWorkspacePage(this.workspace.list()));
      return;
    }
    if (url.pathname === '/_sim/state') {
      sendJson(res, 200, {
        channels: this.workspace.list(),
        calls: this.calls,
      });
      return;
    }
    if (url.pathname === '/_sim/ratelimit' && req.method === 'POST') {
      const rule = JSON.parse((await readBody(req)) || '{}');
      this.rateLimit({
        method: rule.method,
        calls: Number(rule.calls ?? 1),
        retryAfterSeconds: Number(rule.retryAfterSeconds ?? 1),
      });
      sendJson(res, 200, { ok: true });
      return;
    }
    const match = /^\/api\/([a-zA-Z.]+)$/.exec(url.pathname);
    if (!match) {
      sendJson(res, 404, { ok: false, error: 'unknown_method' });
      return;
    }
    await this.handleApi(match[1], req, res, url);
  }

  private async handleApi(
    method: string,
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
  ) {
    this.calls[method] = (this.calls[method] ?? 0) + 1;
    if (this.options.latencyMs) {
      await new Promise(r => setTimeout(r, this.options.latencyMs));
    }
    const body = await readBody(req);
    try {
      this.answer(method, req, res, {
        ...Object.fromEntries(url.searchParams),
        ...parseParams(req.headers['content-type'], body),
      });
    } catch (error) {
      if (error instanceof SlackApiError) {
        sendJson(res, 200, { ok: false, error: error.code });
        return;
      }
      throw error;
    }
  }

  private answer(
    method: string,
    req: IncomingMessage,
    res: ServerResponse,
    params: Params,
  ) {
    const token =
      /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1] ??
      optionalString(params, 'token');
    if (!token) {
      sendJson(res, 200, { ok: false, error: 'not_authed' });
      return;
    }
    if (!this.options.tokens.includes(token)) {
      sendJson(res, 200, { ok: false, error: 'invalid_auth' });
      return;
    }
    const limited = this.takeRateLimit(method);
    if (limited) {
      res.setHeader('Retry-After', String(limited.retryAfterSeconds));
      sendJson(res, 429, { ok: false, error: 'ratelimited' });
      return;
    }
    const handler = this.methods[method];
    if (!handler) {
      sendJson(res, 200, { ok: false, error: 'unknown_method' });
      return;
    }
    sendJson(res, 200, { ok: true, ...handler(params) });
  }

  private takeRateLimit(method: string): RateLimitRule | undefined {
    const rule = this.rules.find(r => !r.method || r.method === method);
    if (!rule) {
      return undefined;
    }
    rule.calls -= 1;
    if (rule.calls <= 0) {
      this.rules.splice(this.rules.indexOf(rule), 1);
    }
    return rule;
  }
}

function parseParams(contentType: string | undefined, body: string): Params {
  if (!body) {
    return {};
  }
  if (contentType?.includes('application/json')) {
    return JSON.parse(body);
  }
  const params: Params = Object.fromEntries(new URLSearchParams(body));
  for (const field of JSON_FIELDS) {
    if (typeof params[field] === 'string') {
      try {
        params[field] = JSON.parse(params[field] as string);
      } catch {
        throw new SlackApiError(`invalid_${field}`);
      }
    }
  }
  return params;
}

function requireString(params: Params, name: string): string {
  const value = params[name];
  if (typeof value !== 'string' || !value) {
    throw new SlackApiError(
      name === 'channel' ? 'channel_not_found' : `invalid_arguments`,
    );
  }
  return value;
}

function optionalString(params: Params, name: string): string | undefined {
  const value = params[name];
  return typeof value === 'string' && value ? value : undefined;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', chunk => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function sendJson(res: ServerResponse, status: number, body: unknown) {
  res.statusCode = status;
  res.setHeader('content-type', 'application/json; charset=utf-8');
  res.end(JSON.stringify(body));
}
