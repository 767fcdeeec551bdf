import type { OutboxRow } from '../outbox/types';
import type { SlackMessageContent } from './SlackApi';
import { escapeMrkdwn, link, releaseKey, shortDigest } from './mrkdwn';
import type { ReleaseLinks } from './renderRelease';

/** The metadata key a reply carries: the outbox row it delivers, so a resend after a crash is found. */
export const REPLY_KEY = 'outbox_id';

/** One threaded reply for one stage event. */
export function renderStageReply(
  row: OutboxRow,
  version: string,
  links: ReleaseLinks,
): SlackMessageContent {
  const line = stageLine(row, version);
  const extras = linksOf(row, links);
  const text = extras.length ? `${line}  ·  ${extras.join('  ·  ')}` : line;
  return {
    text: plain(line),
    blocks: [{ type: 'section', text: { type: 'mrkdwn', text } }],
    metadata: {
      event_type: 'shiplog_stage',
      event_payload: {
        [REPLY_KEY]: row.id,
        release: releaseKey(row.entityRef, version),
      },
    },
  };
}

function stageLine(row: OutboxRow, version: string): string {
  const env = row.environment ? `*${escapeMrkdwn(row.environment)}*` : '';
  const by = row.payload.actor ? ` by ${escapeMrkdwn(row.payload.actor)}` : '';
  const status = row.status ?? '';
  switch (row.kind) {
    case 'build':
      return `${icon(status)} Build ${status}`;
    case 'publish': {
      const image = row.payload.image;
      const ref = image
        ? ` \`${escapeMrkdwn(`${image.repository}:${image.tag}`)}\`${
            image.digest ? ` \`${shortDigest(image.digest)}\`` : ''
          }`
        : '';
      return status === 'succeeded'
        ? `📦 Published${ref}`
        : `${icon(status)} Publish ${status}${ref}`;
    }
    case 'release':
      return `${icon(status)} Release ${escapeMrkdwn(version)} ${status}`;
    case 'deploy':
      return deployLine(status, env, by);
    case 'sync':
      return status === 'started'
        ? `🔁 Sync of ${env} to ${escapeMrkdwn(version)} started${by}`
        : `⏹️ Argo CD did not start the sync of ${env}${by}`;
    case 'promotion':
    case 'rollback':
      return promotionLine(row, env, by, version);
    case 'hold':
      return `✋ ${env} ${
        status === 'released' ? 'released' : 'held'
      }${by}${reason(row)}`;
    default:
      return `${row.kind} ${status}`;
  }
}

function deployLine(status: string, env: string, by: string): string {
  switch (status) {
    case 'started':
      return `🚀 Deploying to ${env}${by}`;
    case 'succeeded':
      return `✅ Running in ${env}`;
    case 'failed':
      return `❌ Deploy to ${env} failed`;
    default:
      return `⏹️ Deploy to ${env} ${status}`;
  }
}

function promotionLine(
  row: OutboxRow,
  env: string,
  by: string,
  version: string,
): string {
  const what =
    row.kind === 'rollback'
      ? `Rollback of ${env} to ${escapeMrkdwn(version)}${
          row.payload.fromVersion
            ? ` (from ${escapeMrkdwn(row.payload.fromVersion)})`
            : ''
        }`
      : `Promotion to ${env}`;
  const auto = row.payload.automatic ? ' (automatic)' : '';
  switch (row.status) {
    case 'requested':
      return `${
        row.kind === 'rollback' ? '⏪' : '➡️'
      } ${what} requested${by}${auto}${reason(row)}`;
    case 'awaiting-approval':
      return `⏳ ${what} awaits approval`;
    case 'merged':
      return `🔀 ${what}: change merged`;
    case 'deployed':
      return `✅ ${what} deployed`;
    case 'failed':
      return `❌ ${what} failed${
        row.payload.error
          ? `: ${escapeMrkdwn(row.payload.error.slice(0, 300))}`
          : ''
      }`;
    default:
      return `${what} ${escapeMrkdwn(row.status ?? '')}`;
  }
}

function linksOf(row: OutboxRow, links: ReleaseLinks): string[] {
  const out: string[] = [];
  if (row.payload.runUrl && row.kind !== 'sync') {
    out.push(
      link(row.payload.runUrl, row.kind === 'deploy' ? 'run' : 'CI run'),
    );
  }
  if (row.payload.change?.url) {
    out.push(
      link(
        row.payload.change.url,
        row.payload.change.kind === 'pull-request' ? 'pull request' : 'change',
      ),
    );
  }
  const argo = row.environment && links.argoApps?.[row.environment];
  if (argo && ['deploy', 'sync', 'promotion', 'rollback'].includes(row.kind)) {
    out.push(link(argo, 'Argo CD app'));
  }
  if (links.deploymentsTab) {
    out.push(link(links.deploymentsTab, 'Deployments'));
  }
  return out;
}

function reason(row: OutboxRow): string {
  return row.payload.reason
    ? `: “${escapeMrkdwn(row.payload.reason.slice(0, 300))}”`
    : '';
}

function icon(status: string): string {
  switch (status) {
    case 'started':
      return '🔨';
    case 'succeeded':
      return '✅';
    case 'failed':
      return '❌';
    default:
      return '⏹️';
  }
}

/** The notification text Slack shows in a push or a screen reader: mrkdwn without its markup. */
function plain(mrkdwn: string): string {
  return mrkdwn
    .replace(/[*`]/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}
