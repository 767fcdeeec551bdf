import { Link } from '@backstage/core-components';
import { useTranslationRef } from '@backstage/core-plugin-api/alpha';
import { Promotion } from '@shiplog/plugin-shiplog-common';
import { shiplogTranslationRef } from '../../translation';

/** Links of a promotion: its pull request or commit, and the sync that deployed it. */
export function PromotionLinks({ promotion }: { promotion: Promotion }) {
  const { t } = useTranslationRef(shiplogTranslationRef);
  const { change, deployment } = promotion;
  const links: Array<[string, string]> = [];
  if (change?.url) {
    links.push([
      change.kind === 'pull-request'
        ? t('promotions.pullRequest', {
            number: String(change.number ?? ''),
          }).trim()
        : t('promotions.commit'),
      change.url,
    ]);
  }
  if (deployment?.runUrl) links.push([t('promotions.sync'), deployment.runUrl]);
  // A plain Git host has no page to link to: name the commit.
  const commit =
    change && !change.url && change.commitSha
      ? t('promotions.commitSha', { sha: change.commitSha.slice(0, 7) })
      : undefined;
  return (
    <>
      {commit && <span title={change?.commitSha}>{commit}</span>}
      {links.map(([label, url], index) => (
        <span key={url}>
          {(index > 0 || commit) && ' · '}
          <Link to={url}>{label}</Link>
        </span>
      ))}
    </>
  );
}
