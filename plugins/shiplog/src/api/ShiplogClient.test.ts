import { ResponseError } from '@backstage/errors';
import { ShiplogClient } from './ShiplogClient';

const entity = { kind: 'Component', namespace: 'default', name: 'Checkout' };
const base = 'http://backend.test/api/shiplog';

interface Call {
  url: string;
  method?: string;
  body?: unknown;
}

/** A backend stand-in: records each request and answers the next queued response. */
function fakeBackend(answers: Array<{ status: number; body: unknown }>) {
  const calls: Call[] = [];
  const fetch = async (url: string, init?: RequestInit) => {
    calls.push({
      url,
      method: init?.method,
      body: init?.body ? JSON.parse(String(init.body)) : undefined,
    });
    const answer = answers.shift() ?? { status: 200, body: {} };
    const text = JSON.stringify(answer.body);
    return {
      ok: answer.status < 400,
      status: answer.status,
      statusText: answer.status < 400 ? 'OK' : 'Error',
      url,
      headers: new Headers({ 'content-type': 'application/json' }),
      json: async () => answer.body,
      text: async () => text,
    };
  };
  const client = new ShiplogClient({
    discoveryApi: { getBaseUrl: async () => base },
    fetchApi: { fetch: fetch as unknown as typeof globalThis.fetch },
  });
  return { client, calls };
}

describe('ShiplogClient', () => {
  it('reads an entity resource with its query, lower-casing the reference and leaving out empty filters', async () => {
    const page = { items: [], nextCursor: 'c2' };
    const { client, calls } = fakeBackend([{ status: 200, body: page }]);
    await expect(
      client.getDeployments(entity, {
        environment: 'prod',
        status: 'failed',
        cursor: '',
        limit: 10,
      }),
    ).resolves.toEqual(page);
    expect(calls).toEqual([
      {
        url: `${base}/v1/entities/component/default/checkout/deployments?environment=prod&status=failed&limit=10`,
        method: 'GET',
        body: undefined,
      },
    ]);
  });

  it('posts promotions, previews, decisions and holds to their routes', async () => {
    const { client, calls } = fakeBackend([]);
    const request = { environment: 'prod', version: '1.2.0' };
    await client.previewPromotion(entity, request);
    await client.createPromotion(entity, request);
    await client.decidePromotion(entity, 'p/1', 'approve', 'ok');
    await client.decidePromotion(entity, 'p1', 'cancel');
    await client.holdEnvironment(entity, 'prod', 'incident');
    await client.releaseEnvironmentHold(entity, 'prod');
    await client.syncArgoCdApplication(entity, { application: 'checkout' });
    const path = `${base}/v1/entities/component/default/checkout`;
    expect(calls).toEqual([
      {
        url: `${path}/promotions`,
        method: 'POST',
        body: { ...request, dryRun: true },
      },
      { url: `${path}/promotions`, method: 'POST', body: request },
      {
        url: `${path}/promotions/p%2F1/approve`,
        method: 'POST',
        body: { comment: 'ok' },
      },
      { url: `${path}/promotions/p1/cancel`, method: 'POST', body: {} },
      {
        url: `${path}/environments/prod/hold`,
        method: 'POST',
        body: { reason: 'incident' },
      },
      { url: `${path}/environments/prod/hold`, method: 'DELETE' },
      {
        url: `${path}/argocd/sync`,
        method: 'POST',
        body: { application: 'checkout' },
      },
    ]);
  });

  it('asks the changelog between two versions and the environment matrix', async () => {
    const { client, calls } = fakeBackend([]);
    await client.getChangelog(entity, '1.0.0', '1.1.0');
    await client.getEnvironments(entity);
    await client.getReleases(entity);
    expect(calls.map(call => call.url)).toEqual([
      `${base}/v1/entities/component/default/checkout/changelog?from=1.0.0&to=1.1.0`,
      `${base}/v1/entities/component/default/checkout/environments`,
      `${base}/v1/entities/component/default/checkout/releases`,
    ]);
  });

  it("throws a ResponseError carrying the backend's error body", async () => {
    const body = {
      error: {
        name: 'NotFoundError',
        message: 'no entity component:default/checkout',
      },
      response: { statusCode: 404 },
    };
    const { client } = fakeBackend([{ status: 404, body }]);
    const error = await client.getEnvironments(entity).catch(e => e);
    expect(error).toBeInstanceOf(ResponseError);
    expect(error.body.error.message).toBe(
      'no entity component:default/checkout',
    );
    expect(error.statusCode).toBe(404);
  });
});
