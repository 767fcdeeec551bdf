import { Promotion, PromotionPreview } from '@shiplog/plugin-shiplog-common';

/** What the description says besides the promotion itself. */
export interface PullRequestMarkdownPlan {
  fromVersion?: string;
  guards: PromotionPreview['guards'];
  changelog: PromotionPreview['changelog'];
}

/** The pull request's body and the commit message's: who, why, and the changelog by type. */
export function pullRequestMarkdown(
  promotion: Promotion,
  plan: PullRequestMarkdownPlan,
): string {
  const lines = [
    `${promotion.rollback ? 'Rollback' : 'Promotion'} of \`${
      promotion.entityRef
    }\` from ${plan.fromVersion ?? 'nothing'} to **${
      promotion.version
    }** in **${promotion.environment}**, requested by ${promotion.requestedBy}${
      promotion.automatic ? ' (auto-promotion)' : ''
    } through Shiplog (promotion ${promotion.id}).`,
  ];
  if (promotion.reason) lines.push('', `Reason: ${promotion.reason}`);
  const warnings = plan.guards.filter(g => g.outcome === 'warn');
  if (warnings.length) {
    lines.push('', '### Warnings');
    for (const w of warnings) lines.push(`- **${w.guard}**: ${w.message}`);
  }
  if (plan.changelog.groups.length) {
    lines.push(
      '',
      `### ${promotion.rollback ? 'Changes rolled back' : 'Changelog'}`,
    );
    for (const group of plan.changelog.groups) {
      lines.push('', `#### ${group.title}`);
      for (const commit of group.commits) {
        const subject = (commit.message ?? commit.sha).split('\n', 1)[0];
        const pr = commit.pullRequest;
        lines.push(
          `- ${subject}${
            pr && !subject.includes(`#${pr.number}`) ? ` (#${pr.number})` : ''
          } (${commit.sha.slice(0, 7)})`,
        );
      }
    }
  }
  return lines.join('\n');
}
