import type { KnownBlock } from '@slack/web-api';
import type { CommitSummary, Release } from '@shiplog/plugin-shiplog-common';
import type { SlackMessageContent } from './SlackApi';
import { escapeMrkdwn, link, releaseKey, shortDigest } from './mrkdwn';

/** Where a release's links point: the Deployments tab, pull requests, Argo CD apps per environment. */
export interface ReleaseLinks {
  deploymentsTab?: string;
  /** The pull request page, from the entity's `github.com/project-slug`. */
  pullRequest?: (number: number) => string | undefined;
  argoApps?: Record<string, string>;
}

/** What the parent message shows: the release as the Releases API shows it, and its entity's environments. */
export interface ReleaseView {
  entityRef: string;
  title: string;
  release: Release;
  /** The entity's environments in order: one chip each. */
  environments: string[];
  /** What each environment runs now, to tell a release that runs from one that was replaced. */
  runningVersions?: Record<string, string>;
  links: ReleaseLinks;
}

const STATUS_ICONS: Record<string, string> = {
  started: '🔄',
  in_progress: '🔄',
  succeeded: '✅',
  failed: '❌',
  cancelled: '⏹️',
};

const COMMITS_SHOWN = 10;
const MAX_SECTION = 2900;

/** The parent message of a release: what it is, what it contains, and where it runs. */
export function renderReleaseParent(view: ReleaseView): SlackMessageContent {
  const { release } = view;
  const chips = view.environments.map(env => environmentChip(view, env));
  const blocks: KnownBlock[] = [
    {
      type: 'header',
      text: {
        type: 'plain_text',
        text: `${view.title} ${release.version}`.slice(0, 150),
      },
    },
    { type: 'section', text: { type: 'mrkdwn', text: buildLine(view) } },
  ];
  if (chips.length) {
    blocks.push({
      type: 'section',
      text: { type: 'mrkdwn', text: chips.map(c => c.mrkdwn).join('   ') },
    });
  }
  const commits = commitLines(release, view.links);
  if (commits) {
    blocks.push({ type: 'section', text: { type: 'mrkdwn', text: commits } });
  }
  const links = [
    view.links.deploymentsTab && link(view.links.deploymentsTab, 'Deployments'),
    release.stages.build?.runUrl && link(release.stages.build.runUrl, 'CI run'),
  ].filter(Boolean);
  if (links.length) {
    blocks.push({
      type: 'context',
      elements: [{ type: 'mrkdwn', text: links.join('  ·  ') }],
    });
  }
  return {
    text: `${view.title} ${release.version}: ${
      chips.map(c => c.plain).join(', ') || 'new release'
    }`,
    blocks,
    metadata: {
      event_type: 'shiplog_release',
      event_payload: { release: releaseKey(view.entityRef, release.version) },
    },
  };
}

function buildLine(view: ReleaseView): string {
  const { release } = view;
  const parts: string[] = [];
  const image = release.stages.publish?.image;
  if (image) {
    parts.push(
      `*Image* \`${escapeMrkdwn(`${image.repository}:${image.tag}`)}\`${
        image.digest ? ` \`${shortDigest(image.digest)}\`` : ''
      }`,
    );
  }
  if (release.commitSha) {
    parts.push(`*Commit* \`${release.commitSha.slice(0, 7)}\``);
  }
  for (const stage of ['build', 'publish'] as const) {
    const status = release.stages[stage]?.status;
    if (status)
      parts.push(
        `*${capitalize(stage)}* ${STATUS_ICONS[status] ?? ''} ${status}`,
      );
  }
  return parts.join('  ·  ') || `*${escapeMrkdwn(view.entityRef)}*`;
}

function environmentChip(
  view: ReleaseView,
  env: string,
): { mrkdwn: string; plain: string } {
  const deployment = view.release.deployments[env];
  const running = view.runningVersions?.[env];
  let icon = '⚪';
  let state = 'not deployed';
  if (deployment?.status === 'in_progress') {
    [icon, state] = ['🔄', 'deploying'];
  } else if (deployment?.status === 'failed') {
    [icon, state] = ['❌', 'failed'];
  } else if (deployment?.status === 'cancelled') {
    [icon, state] = ['⏹️', 'cancelled'];
  } else if (deployment?.status === 'succeeded') {
    [icon, state] =
      running && running !== view.release.version
        ? ['⏭️', `replaced by ${running}`]
        : ['✅', 'running'];
  }
  const argo = view.links.argoApps?.[env];
  const name = argo ? link(argo, env) : `*${escapeMrkdwn(env)}*`;
  return { mrkdwn: `${icon} ${name}`, plain: `${env} ${state}` };
}

function commitLines(release: Release, links: ReleaseLinks): string {
  if (!release.commits.length) return '';
  const lines = release.commits
    .slice(0, COMMITS_SHOWN)
    .map(commit => commitLine(commit, links));
  const more =
    release.commitCount - Math.min(release.commits.length, COMMITS_SHOWN);
  if (more > 0) lines.push(`_and ${more} more_`);
  let text = `*Commits*\n${lines.join('\n')}`;
  if (text.length > MAX_SECTION) text = `${text.slice(0, MAX_SECTION)}…`;
  return text;
}

function commitLine(commit: CommitSummary, links: ReleaseLinks): string {
  const subject = escapeMrkdwn(
    (commit.message ?? '').split('\n')[0].slice(0, 100) ||
      commit.sha.slice(0, 7),
  );
  const pr = commit.pullRequest;
  const prUrl = pr && (pr.url ?? links.pullRequest?.(pr.number));
  let prRef = `\`${commit.sha.slice(0, 7)}\``;
  if (pr) prRef = prUrl ? link(prUrl, `#${pr.number}`) : `#${pr.number}`;
  const labels = (pr?.labels ?? []).map(label =>
    label.startsWith('no-deploy-to-')
      ? `⛔ *${escapeMrkdwn(label)}*`
      : `\`${escapeMrkdwn(label)}\``,
  );
  const author = commit.author ? ` — ${escapeMrkdwn(commit.author)}` : '';
  return `• ${prRef} ${subject}${author}${
    labels.length ? `  ${labels.join(' ')}` : ''
  }`;
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
