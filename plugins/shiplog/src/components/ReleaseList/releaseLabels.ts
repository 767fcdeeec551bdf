import { useTranslationRef } from '@backstage/core-plugin-api/alpha';
import { makeStyles } from '@material-ui/core/styles';
import { useMemo } from 'react';
import { shiplogTranslationRef } from '../../translation';
import { createTextCache } from '../../utils/textCache';
import { exactTime } from '../../utils/format';

export const useReleaseCellStyles = makeStyles(
  theme => ({
    version: { fontFamily: 'monospace', fontWeight: 600 },
    image: { fontFamily: 'monospace', wordBreak: 'break-all' },
    row: { display: 'flex', flexWrap: 'wrap', gap: theme.spacing(0.5) },
    // The column widths material-table had: version 14%, pipeline 34%, image 18%, changes the rest.
    tableRow: { verticalAlign: 'top' },
    versionCell: { width: '14%' },
    pipelineCell: { width: '34%' },
    imageCell: { width: '18%' },
  }),
  { name: 'ShiplogReleaseCells' },
);

/**
 * The releases table's words, made once per table and handed to its cells: a translation hook per
 * cell, and a translation per step (i18next builds its plural rules anew on every count), were a
 * large part of the tab's first render. The same count or step is translated once.
 */
export function useReleaseLabels() {
  const { t } = useTranslationRef(shiplogTranslationRef);
  return useMemo(() => {
    const once = createTextCache();
    // The step sentence is translated once with markers, then filled per step: 120 steps, one i18next call.
    const marker = (name: string) => `\u0000${name}\u0000`;
    const stepDone = t('releases.stepDone', {
      step: marker('step'),
      status: marker('status'),
      time: marker('time'),
    });
    return {
      notPublished: t('releases.notPublished'),
      releaseNotes: t('releases.releaseNotes'),
      commits: (count: number) =>
        once(`commits:${count}`, () => t('counts.commit', { count })),
      stepNotYet: (step: string) =>
        once(`notYet:${step}`, () => t('releases.stepNotYet', { step })),
      stepDone: (step: string, status: string, at: string | undefined) =>
        stepDone
          .replace(marker('step'), () => step)
          .replace(marker('status'), () => status.replace('_', ' '))
          .replace(marker('time'), () => exactTime(at)),
    };
  }, [t]);
}

export type ReleaseLabels = ReturnType<typeof useReleaseLabels>;
export type ReleaseCellClasses = ReturnType<typeof useReleaseCellStyles>;
