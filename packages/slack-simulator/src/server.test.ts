import { SlackSimulator } from './server';

const TOKEN = 'xoxb-test';

describe('SlackSimulator', () => {
  let simulator: SlackSimulator;
  let base: string;

  const call = async (
    method: string,
    body: unknown,
    token: string | null = TOKEN,
    form = false,
  ) => {
    const response = await fetch(`${base}/api/${method}`, {
      method: 'POST',
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        'content-type': form
          ? 'application/x-www-form-urlencoded'
          : 'application/json; charset=utf-8',
      },
      body: form
        ? new URLSearchParams(body as Record<string, string>).toString()
        : JSON.stringify(body),
    });
    return {
      status: response.status,
      headers: response.headers,
      body: await response.json(),
    };
  };

  beforeEach(async () => {
    simulator = new SlackSimulator({ tokens: [TOKEN] });
    base = await simulator.start();
  });

  afterEach(() => simulator.stop());

  it('answers chat.postMessage with Slack’s shape and threads replies under their parent', async () => {
    const parent = await call('chat.postMessage', {
      channel: '#deploys',
      text: 'checkout 1.0.0',
    });
    expect(parent.status).toBe(200);
    expect(parent.body).toMatchObject({
      ok: true,
      channel: expect.stringMatching(/^C[A-Z0-9]{8,}$/),
      ts: expect.stringMatching(/^\d{10}\.\d{6}$/),
      message: {
        type: 'message',
        text: 'checkout 1.0.0',
        bot_id: expect.any(String),
      },
    });
    const reply = await call(
      'chat.postMessage',
      {
        channel: parent.body.channel,
        thread_ts: parent.body.ts,
        text: 'Build started',
        metadata: JSON.stringify({
          event_type: 'shiplog_stage',
          event_payload: { outbox_id: 1 },
        }),
      },
      TOKEN,
      true,
    );
    expect(reply.body).toMatchObject({
      ok: true,
      message: { thread_ts: parent.body.ts },
    });

    const thread = await call('conversations.replies', {
      channel: parent.body.channel,
      ts: parent.body.ts,
    });
    expect(thread.body.messages.map((m: { text: string }) => m.text)).toEqual([
      'checkout 1.0.0',
      'Build started',
    ]);
    expect(thread.body.messages[1].metadata).toEqual({
      event_type: 'shiplog_stage',
      event_payload: { outbox_id: 1 },
    });
    expect(thread.body.messages[0]).toMatchObject({
      reply_count: 1,
      latest_reply: reply.body.ts,
    });
  });

  it('updates a message in place with chat.update', async () => {
    const posted = await call('chat.postMessage', {
      channel: 'deploys',
      text: 'before',
    });
    const updated = await call('chat.update', {
      channel: posted.body.channel,
      ts: posted.body.ts,
      text: 'after',
    });
    expect(updated.body).toEqual(
      expect.objectContaining({
        ok: true,
        channel: posted.body.channel,
        ts: posted.body.ts,
        text: 'after',
      }),
    );
    expect(simulator.workspace.list()[0].messages).toHaveLength(1);
    expect(simulator.workspace.list()[0].messages[0]).toMatchObject({
      text: 'after',
      edited: expect.any(Object),
    });
    expect(
      (
        await call('chat.update', {
          channel: posted.body.channel,
          ts: '1.000001',
          text: 'x',
        })
      ).body,
    ).toEqual({
      ok: false,
      error: 'message_not_found',
    });
  });

  it('checks the bearer token as Slack does: HTTP 200 with not_authed or invalid_auth', async () => {
    expect((await call('auth.test', {}, null)).body).toEqual({
      ok: false,
      error: 'not_authed',
    });
    expect((await call('auth.test', {}, 'xoxb-wrong')).body).toEqual({
      ok: false,
      error: 'invalid_auth',
    });
    expect((await call('auth.test', {})).body).toMatchObject({
      ok: true,
      team_id: expect.any(String),
      bot_id: expect.any(String),
    });
  });

  it('answers 429 ratelimited with Retry-After when told to, then serves again', async () => {
    simulator.rateLimit({
      method: 'chat.postMessage',
      calls: 2,
      retryAfterSeconds: 7,
    });
    for (let i = 0; i < 2; i++) {
      const limited = await call('chat.postMessage', {
        channel: '#deploys',
        text: 'x',
      });
      expect(limited.status).toBe(429);
      expect(limited.headers.get('retry-after')).toBe('7');
      expect(limited.body).toEqual({ ok: false, error: 'ratelimited' });
    }
    expect(
      (await call('chat.postMessage', { channel: '#deploys', text: 'x' })).body
        .ok,
    ).toBe(true);
    expect(simulator.calls['chat.postMessage']).toBe(3);
  });

  it('refuses unknown channels and threads with Slack’s error codes', async () => {
    expect(
      (await call('chat.postMessage', { channel: 'C0000000042', text: 'x' }))
        .body.error,
    ).toBe('channel_not_found');
    const posted = await call('chat.postMessage', {
      channel: '#deploys',
      text: 'x',
    });
    expect(
      (
        await call('chat.postMessage', {
          channel: posted.body.channel,
          thread_ts: '1.000002',
          text: 'x',
        })
      ).body.error,
    ).toBe('thread_not_found');
    expect(
      (await call('chat.postMessage', { channel: '#deploys' })).body.error,
    ).toBe('no_text');
  });

  it('shows each channel’s threads, parent then replies, on its page', async () => {
    const parent = await call('chat.postMessage', {
      channel: '#deploys',
      text: 'fallback',
      blocks: [
        {
          type: 'header',
          text: { type: 'plain_text', text: 'checkout 1.0.0' },
        },
      ],
    });
    await call('chat.postMessage', {
      channel: parent.body.channel,
      thread_ts: parent.body.ts,
      text: '<https://ci.example/run/1|CI run> *ok*',
    });
    const page = await (await fetch(`${base}/`)).text();
    expect(page).toContain('#deploys');
    expect(page).toContain('checkout 1.0.0');
    expect(page).toContain(
      '<a href="https://ci.example/run/1">CI run</a> <b>ok</b>',
    );
    expect(page).toContain('1 reply');
  });
});
