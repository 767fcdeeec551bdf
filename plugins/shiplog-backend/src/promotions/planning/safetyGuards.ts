import {
  EnvironmentFreeze,
  EnvironmentHold,
  GuardVerdict,
} from '@shiplog/plugin-shiplog-common';

/** What the safety guards (hold, freeze, soak) look at, gathered beforehand: the guards are pure. */
export interface SafetyGuardContext {
  environment: string;
  version: string;
  automatic: boolean;
  /** A rollback to an older version (not merely `rollback: true`). */
  rollback: boolean;
  reason?: string;
  hold?: EnvironmentHold;
  /** The freeze window in force in the environment now, if any. */
  freeze?: EnvironmentFreeze;
  overrideFreeze: boolean;
  /** May the caller override a freeze (permission `shiplog.promotion.override`)? */
  overrideAllowed: boolean;
  /** The soak time of the environment before, and since when the version runs there (healthy). */
  soak?: {
    previousEnvironment: string;
    minutes: number;
    /** Since when the version runs there, succeeded (and healthy where Argo CD knows); none: it does not. */
    runningSince?: number;
    /** Argo CD says the application there is not healthy now (its health). */
    unhealthy?: string;
  };
  now: number;
}

const pass = (guard: GuardVerdict['guard'], message: string): GuardVerdict => ({
  guard,
  outcome: 'pass',
  message,
});

function hold(ctx: SafetyGuardContext): GuardVerdict {
  const guard = 'hold';
  if (!ctx.hold) return pass(guard, `${ctx.environment} is not held`);
  const held = `${ctx.environment} is held by ${ctx.hold.heldBy} since ${ctx.hold.since}: ${ctx.hold.reason}`;
  const release = `release the hold (DELETE .../environments/${ctx.environment}/hold) to let auto-promotion resume`;
  if (ctx.automatic) {
    return {
      guard,
      outcome: 'refuse',
      message: `not auto-promoted: ${held}`,
      howToProceed: `Promote by hand, or ${release}`,
    };
  }
  return {
    guard,
    outcome: 'warn',
    message: held,
    howToProceed: `A promotion by hand goes ahead and the hold stays; ${release}`,
  };
}

function freeze(ctx: SafetyGuardContext): GuardVerdict {
  const guard = 'freeze';
  const window = ctx.freeze;
  if (!window?.active) {
    return pass(guard, `no freeze window covers ${ctx.environment} now`);
  }
  const frozen = `${ctx.environment} is frozen (${window.name}) until ${window.to}`;
  const override =
    'set overrideFreeze: true with a reason (needs the permission shiplog.promotion.override)';
  if (ctx.automatic) {
    return {
      guard,
      outcome: 'refuse',
      message: `not auto-promoted: ${frozen}`,
      howToProceed: `Wait until the freeze ends, or promote by hand and ${override}`,
    };
  }
  if (!ctx.overrideFreeze) {
    return {
      guard,
      outcome: 'refuse',
      message: frozen,
      howToProceed: `Wait until ${window.to}, or ${override}`,
    };
  }
  if (!ctx.overrideAllowed) {
    return {
      guard,
      outcome: 'refuse',
      message: `${frozen}, and you may not override it (permission shiplog.promotion.override)`,
      howToProceed: `Wait until ${window.to}, or ask someone who may override freezes`,
    };
  }
  return {
    guard,
    outcome: 'warn',
    message: `${frozen}; overridden${ctx.reason ? `: ${ctx.reason}` : ''}`,
    howToProceed:
      'The freeze is overridden: make sure this is the change you mean',
  };
}

function soak(ctx: SafetyGuardContext): GuardVerdict {
  const guard = 'soak';
  const { soak: time } = ctx;
  if (!time) return pass(guard, 'no soak time before this environment');
  if (ctx.rollback) return pass(guard, 'a rollback does not wait for soak');
  const { previousEnvironment: previous, minutes } = time;
  const ran =
    time.runningSince === undefined
      ? undefined
      : Math.floor((ctx.now - time.runningSince) / 60_000);
  if (ran !== undefined && ran >= minutes && !time.unhealthy) {
    return pass(
      guard,
      `${ctx.version} has run in ${previous} for ${ran} minutes (soak time ${minutes})`,
    );
  }
  let message: string;
  if (ran === undefined) {
    message = `${ctx.version} does not run in ${previous} now, so it has not soaked there for ${minutes} minutes`;
  } else if (time.unhealthy) {
    message = `${ctx.version} is ${time.unhealthy} in ${previous} (Argo CD): it must run healthy for ${minutes} minutes`;
  } else {
    message = `${ctx.version} has run in ${previous} for ${ran} of the ${minutes} minutes of its soak time`;
  }
  if (ctx.automatic) {
    return {
      guard,
      outcome: 'refuse',
      message: `not auto-promoted yet: ${message}`,
      howToProceed:
        'Auto-promotion starts once the soak time has passed, or promote by hand',
    };
  }
  return {
    guard,
    outcome: 'warn',
    message,
    howToProceed:
      'Promoting by hand skips the soak time: make sure the version proved itself',
  };
}

/** The safety net's verdicts (hold, freeze, soak), after the other guards' in PROMOTION_GUARDS order. */
export function evaluateSafetyGuards(ctx: SafetyGuardContext): GuardVerdict[] {
  return [hold(ctx), freeze(ctx), soak(ctx)];
}
