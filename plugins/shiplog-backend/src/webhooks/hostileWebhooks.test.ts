import { TestDatabases } from '@backstage/backend-test-utils';
import type {
  DeploymentStatusEvent,
  PushEvent,
  WorkflowRunEvent,
} from '@octokit/webhooks-types';
import request from 'supertest';
import {
  ARGOCD_SECRET,
  eventually,
  example,
  forRepository,
  HARBOR_SECRET,
  startWebhookBackend,
} from './__testUtils__/webhookBackend';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

const minutesFromNow = (minutes: number) =>
  new Date(Date.now() + minutes * 60_000).toISOString();

const workflowRun = (updatedAt: string) => {
  const payload = forRepository(
    example<WorkflowRunEvent>(
      'workflow_run',
      p => p.action === 'completed' && p.workflow_run.conclusion === 'success',
    ),
  );
  payload.workflow_run.head_branch = 'v1.4.0';
  payload.workflow_run.updated_at = updatedAt;
  return payload;
};

const deploymentStatus = (change: (p: DeploymentStatusEvent) => void) => {
  const status = forRepository(
    example<DeploymentStatusEvent>('deployment_status'),
  );
  Object.assign(status.deployment, { environment: 'dev', ref: 'v2.0.0' });
  change(status);
  return status;
};

const harborPush = (tag: string, occurAt = 1767225600) => ({
  type: 'PUSH_ARTIFACT',
  occur_at: occurAt,
  event_data: {
    resources: [
      { tag, resource_url: `harbor.acme.io/shop/hello-world:${tag}` },
    ],
  },
});

const argoNotification = (fields: Record<string, unknown>) => ({
  app: 'hello-world-prod',
  event: 'sync-succeeded',
  images: ['harbor.acme.io/shop/hello-world:2.1.0'],
  labels: { 'app.kubernetes.io/name': 'hello-world' },
  finishedAt: '2026-01-01T10:02:00Z',
  ...fields,
});

/**
 * Deliveries no sender should be able to turn into ledger rows: each is accepted by the ingress (the
 * sender learns nothing), then kept as `ignored` with the reason, stored nowhere else, never retried.
 */
describe.each(databases.eachSupportedId())(
  'hostile webhook deliveries on %p',
  databaseId => {
    let backend: Awaited<ReturnType<typeof startWebhookBackend>>;

    beforeAll(async () => {
      backend = await startWebhookBackend(databases, databaseId, {
        ingest: { maxClockSkew: { minutes: 1 } },
      });
    });

    const send: Record<
      'github' | 'harbor' | 'argocd',
      (body: object, delivery: string, event?: string) => Promise<number>
    > = {
      github: async (body, delivery, event = 'workflow_run') =>
        (await backend.sendGithub(event, body, delivery)).status,
      harbor: async (body, delivery) =>
        (
          await request(backend.server)
            .post('/api/events/http/harbor')
            .set('authorization', `Bearer ${HARBOR_SECRET}`)
            .set('x-shiplog-delivery', delivery)
            .send(body)
        ).status,
      argocd: async (body, delivery) =>
        (
          await request(backend.server)
            .post('/api/events/http/argocd')
            .set('x-shiplog-secret', ARGOCD_SECRET)
            .set('x-shiplog-delivery', delivery)
            .send(body)
        ).status,
    };

    const outcomeOf = async (deliveryId: string) => {
      const rows = await eventually(backend.deliveries, r =>
        r.some(
          (row: { delivery_id: string; status: string }) =>
            row.delivery_id === deliveryId && row.status !== 'pending',
        ),
      );
      return rows.find(
        (row: { delivery_id: string }) => row.delivery_id === deliveryId,
      );
    };

    it.each([
      [
        'a GitHub run dated 3 minutes ahead (skew 1 minute)',
        'github.workflow_run',
        () => workflowRun(minutesFromNow(3)),
        'occurredAt: must not be more than 1 minute in the future',
      ],
      [
        'a Harbor push dated 3 minutes ahead (skew 1 minute)',
        'harbor',
        () => harborPush('2.2.0', Math.floor(Date.now() / 1000) + 180),
        'occurredAt: must not be more than 1 minute in the future',
      ],
      [
        'an Argo CD sync finished 3 minutes ahead (skew 1 minute)',
        'argocd',
        () => argoNotification({ finishedAt: minutesFromNow(3) }),
        'occurredAt: must not be more than 1 minute in the future',
      ],
      [
        'a GitHub deployment to an environment named "../prod"',
        'github.deployment_status',
        () =>
          deploymentStatus(s => {
            s.deployment.environment = '../prod';
          }),
        'environment: must be 1-63 letters, digits',
      ],
      [
        'a GitHub deployment whose payload version holds a NUL',
        'github.deployment_status',
        () =>
          deploymentStatus(s => {
            s.deployment.payload = { version: '1.0\u0000' };
          }),
        'version: must start with a letter or digit',
      ],
      [
        'a Harbor tag with an escape sequence',
        'harbor',
        () => harborPush('1.0\u001b[2J'),
        'version: must start with a letter or digit',
      ],
      [
        'an Argo CD application labelled for environment "prod\\nqa"',
        'argocd',
        () =>
          argoNotification({
            labels: {
              'app.kubernetes.io/name': 'hello-world',
              'shiplog.dev/environment': 'prod\nqa',
            },
          }),
        'cannot tell the environment of application',
      ],
      [
        'an Argo CD sync initiated by "a\\u0000b"',
        'argocd',
        () => argoNotification({ initiatedBy: 'a\u0000b' }),
        'actor: must not contain control characters',
      ],
      [
        'an Argo CD application no entity claims',
        'argocd',
        () =>
          argoNotification({
            app: 'payments-prod',
            labels: { 'app.kubernetes.io/name': 'payments' },
          }),
        'no catalog entity is annotated for Argo CD application payments-prod',
      ],
      [
        'a GitHub push from a repository no entity names',
        'github.push',
        () => {
          const push = example<PushEvent>(
            'push',
            p => p.ref === 'refs/heads/master',
          );
          push.repository = {
            ...push.repository,
            full_name: 'evil/elsewhere',
          };
          return push;
        },
        'no catalog entity is annotated for github.com/project-slug evil/elsewhere',
      ],
    ])(
      'keeps %s as ignored with the reason, storing no event',
      async (_label, topic, body, reason) => {
        const before = await backend.countEvents();
        const delivery = `hostile-${Math.random().toString(36).slice(2)}`;
        const [source, eventName] = topic.split('.') as [
          keyof typeof send,
          string | undefined,
        ];
        expect(await send[source](body(), delivery, eventName)).toBe(202);
        const row = await outcomeOf(`${source}:${delivery}`);
        expect(row).toMatchObject({
          status: 'ignored',
          last_error: expect.stringContaining(reason),
        });
        expect(await backend.countEvents()).toBe(before);
      },
    );

    it('takes a delivery dated within the configured skew', async () => {
      const delivery = 'within-skew';
      expect(
        await send.github(workflowRun(minutesFromNow(0.5)), delivery),
      ).toBe(202);
      expect(await outcomeOf(`github:${delivery}`)).toMatchObject({
        status: 'processed',
      });
    });
  },
);
