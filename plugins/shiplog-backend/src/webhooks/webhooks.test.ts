import { mockCredentials, TestDatabases } from '@backstage/backend-test-utils';
import examples from '@octokit/webhooks-examples';
import type {
  DeploymentStatusEvent,
  PullRequestEvent,
  PushEvent,
  WorkflowRunEvent,
} from '@octokit/webhooks-types';
import { Knex } from 'knex';
import request from 'supertest';
import { GITHUB_EVENT_NAMES, translateGithubEvent } from './github';
import {
  ARGOCD_SECRET,
  eventually,
  example,
  Example,
  forRepository,
  HARBOR_SECRET,
  startWebhookBackend,
} from './__testUtils__/webhookBackend';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

const ENTITY_PATH = '/api/shiplog/v1/entities/component/default/hello-world';

describe.each(databases.eachSupportedId())(
  'webhooks through the events system on %p',
  databaseId => {
    let server: Awaited<ReturnType<typeof startWebhookBackend>>['server'];
    let knex: Knex;
    let sendGithub: Awaited<
      ReturnType<typeof startWebhookBackend>
    >['sendGithub'];
    let countEvents: () => Promise<number>;
    let deliveries: Awaited<
      ReturnType<typeof startWebhookBackend>
    >['deliveries'];

    beforeEach(async () => {
      ({ server, knex, sendGithub, countEvents, deliveries } =
        await startWebhookBackend(databases, databaseId));
    });

    const releases = async () =>
      (
        await request(server)
          .get(`${ENTITY_PATH}/releases`)
          .set('Authorization', mockCredentials.user.header())
      ).body.items;

    it('records a workflow run once, however often GitHub redelivers it', async () => {
      const payload = forRepository(
        example<WorkflowRunEvent>(
          'workflow_run',
          p =>
            p.action === 'completed' && p.workflow_run.conclusion === 'success',
        ),
      );
      payload.workflow_run.head_branch = 'v1.4.0';
      expect(
        (await sendGithub('workflow_run', payload, 'delivery-1')).status,
      ).toBe(202);
      const items = await eventually(releases, r => r.length > 0);
      expect(items[0]).toMatchObject({
        version: 'v1.4.0',
        commitSha: payload.workflow_run.head_sha,
        stages: {
          build: { status: 'succeeded', runUrl: payload.workflow_run.html_url },
        },
      });

      expect(
        (await sendGithub('workflow_run', payload, 'delivery-1')).status,
      ).toBe(202);
      await eventually(deliveries, rows => rows.length === 1);
      await new Promise(resolve => setTimeout(resolve, 500));
      expect(await countEvents()).toBe(1);
      expect(await deliveries()).toEqual([
        expect.objectContaining({
          delivery_id: 'github:delivery-1',
          status: 'processed',
        }),
      ]);
    });

    it('refuses a delivery with a wrong signature and stores nothing', async () => {
      const payload = forRepository(example<WorkflowRunEvent>('workflow_run'));
      const res = await sendGithub(
        'workflow_run',
        payload,
        'forged',
        'not-the-secret',
      );
      expect([401, 403]).toContain(res.status);
      await new Promise(resolve => setTimeout(resolve, 300));
      expect(await deliveries()).toEqual([]);
    });

    it('keeps pushed commits and merged pull requests with their labels, and deployments', async () => {
      const push = forRepository(
        example<PushEvent>('push', p => p.ref === 'refs/heads/master'),
      );
      push.ref = 'refs/heads/main';
      const sha = push.commits[0].id;
      const pr = forRepository(
        example<PullRequestEvent>('pull_request', p => p.action === 'closed'),
      );
      Object.assign(pr.pull_request, {
        merged: true,
        merge_commit_sha: sha,
        merged_at: '2026-01-02T00:00:00Z',
        base: { ...pr.pull_request.base, ref: 'main' },
      });
      pr.pull_request.labels = [
        { ...pr.pull_request.labels[0], name: 'no-deploy-to-prod' },
      ];
      const status = forRepository(
        example<DeploymentStatusEvent>('deployment_status'),
      );
      Object.assign(status.deployment, {
        environment: 'dev',
        ref: 'v2.0.0',
        sha,
      });

      expect((await sendGithub('push', push, 'push-1')).status).toBe(202);
      expect((await sendGithub('pull_request', pr, 'pr-1')).status).toBe(202);
      expect(
        (await sendGithub('deployment_status', status, 'ds-1')).status,
      ).toBe(202);
      await eventually(
        deliveries,
        rows =>
          rows.length === 3 &&
          rows.every((r: { status: string }) => r.status === 'processed'),
      );

      const matrix = await request(server)
        .get(`${ENTITY_PATH}/environments`)
        .set('Authorization', mockCredentials.user.header());
      expect(matrix.body.environments[0]).toMatchObject({
        name: 'dev',
        current: { version: 'v2.0.0', commitSha: sha },
      });
      const changelogCommits = await knex('shiplog_commits')
        .where({ sha })
        .select('pr_number');
      expect(changelogCommits).toEqual([{ pr_number: pr.pull_request.number }]);
      const [prRow] = await knex('shiplog_pull_requests').select('labels');
      expect(JSON.parse(prRow.labels)).toEqual(['no-deploy-to-prod']);
    });

    it('records an unmerged pull request as ignored, with the reason', async () => {
      const pr = forRepository(
        example<PullRequestEvent>('pull_request', p => p.action === 'closed'),
      );
      expect((await sendGithub('pull_request', pr, 'pr-unmerged')).status).toBe(
        202,
      );
      const rows = await eventually(
        deliveries,
        r => r.length === 1 && r[0].status !== 'pending',
      );
      expect(rows[0]).toMatchObject({
        status: 'ignored',
        last_error: expect.stringContaining('says nothing about releases'),
      });
    });

    it('records one deployment for one deployment status posted under two delivery ids', async () => {
      const status = forRepository(
        example<DeploymentStatusEvent>('deployment_status'),
      );
      Object.assign(status.deployment, { environment: 'dev', ref: 'v2.0.0' });
      for (const delivery of ['replay-1', 'replay-2']) {
        expect(
          (await sendGithub('deployment_status', status, delivery)).status,
        ).toBe(202);
      }
      await eventually(
        deliveries,
        rows =>
          rows.length === 2 &&
          rows.every((r: { status: string }) => r.status === 'processed'),
      );
      expect(await countEvents()).toBe(1);
      const [{ n }] = await knex('shiplog_deployments').count({ n: '*' });
      expect(Number(n)).toBe(1);
    });

    it.each([
      [
        'an over-long commit author in a push',
        'push',
        () => {
          const push = forRepository(
            example<PushEvent>('push', p => p.ref === 'refs/heads/master'),
          );
          push.ref = 'refs/heads/main';
          push.commits[0].author.username = 'x'.repeat(300);
          return push;
        },
        'commits[0].author: must be at most 200 characters',
      ],
      [
        'a NUL in a merged pull request title',
        'pull_request',
        () => {
          const pr = forRepository(
            example<PullRequestEvent>(
              'pull_request',
              p => p.action === 'closed',
            ),
          );
          Object.assign(pr.pull_request, {
            merged: true,
            title: 'fix\u0000',
            base: { ...pr.pull_request.base, ref: 'main' },
          });
          return pr;
        },
        'pullRequest.title: must not contain control characters',
      ],
      [
        'a control character in a deployment creator',
        'deployment_status',
        () => {
          const status = forRepository(
            example<DeploymentStatusEvent>('deployment_status'),
          );
          status.deployment_status.creator.login = 'eve\u001b[2J';
          return status;
        },
        'actor: must not contain control characters',
      ],
    ])(
      'marks %s ignored with the reason, without retries',
      async (_label, event, payload, field) => {
        expect(
          (await sendGithub(event, payload(), `bad-${event}`)).status,
        ).toBe(202);
        const rows = await eventually(
          deliveries,
          r => r.length === 1 && r[0].status !== 'pending',
        );
        expect(rows[0]).toMatchObject({
          status: 'ignored',
          last_error: expect.stringContaining(field),
        });
        expect(await countEvents()).toBe(0);
      },
    );

    it('marks a Harbor push with an impossible occur_at ignored, not failed', async () => {
      const res = await request(server)
        .post('/api/events/http/harbor')
        .set('authorization', `Bearer ${HARBOR_SECRET}`)
        .send({
          type: 'PUSH_ARTIFACT',
          occur_at: 1e20,
          event_data: {
            resources: [
              {
                tag: '2.1.0',
                resource_url: 'harbor.acme.io/shop/hello-world:2.1.0',
              },
            ],
          },
        });
      expect(res.status).toBe(202);
      const rows = await eventually(
        deliveries,
        r => r.length === 1 && r[0].status !== 'pending',
      );
      expect(rows[0]).toMatchObject({
        status: 'ignored',
        last_error: expect.stringContaining('occur_at 100000000000000000000'),
      });
    });

    it('takes Harbor pushes with the shared secret and refuses them without', async () => {
      const body = {
        type: 'PUSH_ARTIFACT',
        occur_at: 1767225600,
        operator: 'robot$ci',
        event_data: {
          resources: [
            {
              digest: `sha256:${'c'.repeat(64)}`,
              tag: '2.1.0',
              resource_url: 'harbor.acme.io/shop/hello-world:2.1.0',
            },
          ],
          repository: {
            name: 'hello-world',
            namespace: 'shop',
            repo_full_name: 'shop/hello-world',
            repo_type: 'private',
          },
        },
      };
      const wrong = await request(server)
        .post('/api/events/http/harbor')
        .set('authorization', 'nope')
        .send(body);
      expect(wrong.status).toBe(401);
      const ok = await request(server)
        .post('/api/events/http/harbor')
        .set('authorization', `Bearer ${HARBOR_SECRET}`)
        .send(body);
      expect(ok.status).toBe(202);
      const items = await eventually(releases, r => r.length > 0);
      expect(items[0]).toMatchObject({
        version: '2.1.0',
        stages: {
          publish: {
            status: 'succeeded',
            image: {
              repository: 'harbor.acme.io/shop/hello-world',
              tag: '2.1.0',
              digest: `sha256:${'c'.repeat(64)}`,
            },
          },
        },
      });
    });

    it('turns Argo CD notifications into deployments of the entity matched by app selector', async () => {
      const notify = (event: string, finishedAt: string) =>
        request(server)
          .post('/api/events/http/argocd')
          .set('x-shiplog-secret', ARGOCD_SECRET)
          .send({
            app: 'hello-world-prod',
            event,
            revision: 'a'.repeat(40),
            images: [
              'harbor.acme.io/shop/hello-world:2.1.0',
              'docker.io/library/redis:7',
            ],
            labels: { 'app.kubernetes.io/name': 'hello-world' },
            startedAt: '2026-01-01T10:00:00Z',
            finishedAt,
            initiatedBy: 'alice',
          });
      expect(
        (
          await request(server)
            .post('/api/events/http/argocd')
            .send({ app: 'x' })
        ).status,
      ).toBe(401);
      expect((await notify('sync-running', '')).status).toBe(202);
      expect(
        (await notify('sync-succeeded', '2026-01-01T10:02:00Z')).status,
      ).toBe(202);
      const history = await eventually(
        async () =>
          (
            await request(server)
              .get(`${ENTITY_PATH}/deployments`)
              .set('Authorization', mockCredentials.user.header())
          ).body.items,
        items => items.length > 0 && items[0].status === 'succeeded',
      );
      expect(history).toEqual([
        expect.objectContaining({
          environment: 'prod',
          version: '2.1.0',
          status: 'succeeded',
          actor: 'alice',
          startedAt: '2026-01-01T10:00:00.000Z',
          finishedAt: '2026-01-01T10:02:00.000Z',
        }),
      ]);
    });
  },
);

describe('GitHub translation of real payloads', () => {
  it('handles every example of the subscribed events without throwing', async () => {
    let translated = 0;
    for (const name of GITHUB_EVENT_NAMES) {
      for (const payload of (examples as Example[]).find(e => e.name === name)!
        .examples) {
        const events = translateGithubEvent(
          name,
          payload as Parameters<typeof translateGithubEvent>[1],
          `id-${translated}`,
          'component:default/x',
        );
        translated += events.length;
      }
    }
    expect(translated).toBeGreaterThan(0);
  });
});
