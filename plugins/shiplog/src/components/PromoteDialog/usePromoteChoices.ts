import { useState } from 'react';

/** What the person promoting chose in the dialog: version, rollback, reason and safety options. */
export function usePromoteChoices(initialVersion: string) {
  const [version, setVersion] = useState(initialVersion);
  const [rollback, setRollback] = useState(false);
  const [reason, setReason] = useState('');
  const [overrideFreeze, setOverrideFreeze] = useState(false);
  const [hold, setHold] = useState(true);
  return {
    version,
    setVersion,
    rollback,
    setRollback,
    reason,
    setReason,
    overrideFreeze,
    setOverrideFreeze,
    hold,
    setHold,
    /** A rollback or a freeze override must say why. */
    needsReason: (rollback || overrideFreeze) && !reason.trim(),
    /** The promotion these choices ask for (options left at their defaults are not sent). */
    request: (environment: string) => ({
      version,
      environment,
      rollback,
      reason: reason.trim() || undefined,
      ...(overrideFreeze ? { overrideFreeze } : {}),
      ...(rollback && !hold ? { hold: false } : {}),
    }),
  };
}
