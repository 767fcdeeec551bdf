import { useTranslationRef } from '@backstage/core-plugin-api/alpha';
import { EnvironmentStatus } from '@shiplog/plugin-shiplog-common';
import { useCallback } from 'react';
import { shiplogTranslationRef } from '../../translation';

/**
 * Drift in words ("prod is 3 releases / 27 commits behind stage"), or undefined when the
 * environment is level with the one before it.
 */
export function useDriftDescription() {
  const { t } = useTranslationRef(shiplogTranslationRef);
  return useCallback(
    (env: EnvironmentStatus): string | undefined => {
      const { drift } = env;
      if (!drift.previousEnvironment) return undefined;
      if (drift.releasesBehind > 0 || drift.commitsBehind > 0) {
        const parts: string[] = [];
        if (drift.releasesBehind > 0)
          parts.push(t('counts.release', { count: drift.releasesBehind }));
        if (drift.commitsBehind > 0)
          parts.push(t('counts.commit', { count: drift.commitsBehind }));
        return t('environment.behind', {
          environment: env.name,
          distance: parts.join(' / '),
          previous: drift.previousEnvironment,
        });
      }
      if (drift.aheadOfPrevious) {
        return t('environment.ahead', {
          environment: env.name,
          previous: drift.previousEnvironment,
        });
      }
      return undefined;
    },
    [t],
  );
}
