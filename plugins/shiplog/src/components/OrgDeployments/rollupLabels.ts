import { parseEntityRef } from '@backstage/catalog-model';
import { useRouteRef } from '@backstage/core-plugin-api';
import { useTranslationRef } from '@backstage/core-plugin-api/alpha';
import { entityRouteRef } from '@backstage/plugin-catalog-react';
import { RollupComponent } from '@shiplog/plugin-shiplog-common';
import { useMemo } from 'react';
import { shiplogTranslationRef } from '../../translation';
import { createTextCache } from '../../utils/textCache';
import { statusText } from '../StatusIndicator';

/**
 * The rollup table's words and links, made once per table: a page has 50 rows and 200 cells, and a
 * translation per cell (i18next builds its plural rules anew on every count) or a hook per cell was
 * most of its first render. The same count or status is translated once.
 */
export function useRollupLabels() {
  const { t } = useTranslationRef(shiplogTranslationRef);
  const entityRoute = useRouteRef(entityRouteRef);
  return useMemo(() => {
    const once = createTextCache();
    return {
      failing: t('orgViews.failing'),
      status: (status: string) =>
        once(`status:${status}`, () => statusText(t, status)),
      behind: (releases: number) =>
        once(`behind:${releases}`, () =>
          t('orgViews.behind', {
            releases: t('counts.release', { count: releases }),
          }),
        ),
      undeployed: (commits: number) =>
        once(`undeployed:${commits}`, () =>
          t('orgViews.undeployed', {
            commits: t('counts.commit', { count: commits }),
          }),
        ),
      openTab: (name: string) => t('orgViews.openTab', { name }),
      tabPath: (component: RollupComponent) => {
        const { kind, namespace, name } = parseEntityRef(component.entityRef);
        return `${entityRoute({ kind, namespace, name })}/deployments`;
      },
    };
  }, [t, entityRoute]);
}

export type RollupLabels = ReturnType<typeof useRollupLabels>;
