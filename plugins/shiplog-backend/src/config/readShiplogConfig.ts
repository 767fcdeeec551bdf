import { Config } from '@backstage/config';
import { InputError } from '@backstage/errors';
import {
  EnvironmentConfig,
  environmentNameSchema,
} from '@shiplog/plugin-shiplog-common';
import { DEFAULT_ENVIRONMENT_POLICY } from './environmentPolicy';

export interface ShiplogConfig {
  /** Ordered, e.g. dev → qa → stage → prod. Empty when not configured: the order events reveal is used. */
  environments: EnvironmentConfig[];
}

/** Reads `shiplog.*`, failing start-up with the offending key rather than misbehaving later. */
export function readShiplogConfig(config: Config): ShiplogConfig {
  const environments = (
    config.getOptionalConfigArray('shiplog.environments') ?? []
  ).map((env, index) => {
    const name = env.getString('name');
    const parsed = environmentNameSchema.safeParse(name);
    if (!parsed.success) {
      throw new InputError(
        `shiplog.environments[${index}].name "${name}" ${parsed.error.issues[0].message}`,
      );
    }
    const sync =
      env.getOptionalString('sync') ?? DEFAULT_ENVIRONMENT_POLICY.sync;
    if (sync !== 'automatic' && sync !== 'manual') {
      throw new InputError(
        `shiplog.environments[${index}].sync must be "automatic" or "manual", got "${sync}"`,
      );
    }
    const change =
      env.getOptionalString('change') ?? DEFAULT_ENVIRONMENT_POLICY.change;
    if (change !== 'pull-request' && change !== 'commit') {
      throw new InputError(
        `shiplog.environments[${index}].change must be "pull-request" or "commit", got "${change}"`,
      );
    }
    const soakMinutes = env.getOptionalNumber('soakTime.minutes');
    if (
      soakMinutes !== undefined &&
      !(Number.isInteger(soakMinutes) && soakMinutes > 0)
    ) {
      throw new InputError(
        `shiplog.environments[${index}].soakTime.minutes must be a whole number of minutes above zero, got ${soakMinutes}`,
      );
    }
    return {
      name: parsed.data,
      autoPromote:
        env.getOptionalBoolean('autoPromote') ??
        DEFAULT_ENVIRONMENT_POLICY.autoPromote,
      requiresApproval:
        env.getOptionalBoolean('requiresApproval') ??
        DEFAULT_ENVIRONMENT_POLICY.requiresApproval,
      sync,
      change,
      ...(env.getOptionalBoolean('production') ? { production: true } : {}),
      ...(soakMinutes ? { soakTime: { minutes: soakMinutes } } : {}),
    } satisfies EnvironmentConfig;
  });
  const production = environments.filter(env => env.production);
  if (production.length > 1) {
    throw new InputError(
      `shiplog.environments marks ${production
        .map(env => `"${env.name}"`)
        .join(' and ')} production: true; at most one may be`,
    );
  }
  const seen = new Set<string>();
  for (const env of environments) {
    if (seen.has(env.name)) {
      throw new InputError(`shiplog.environments lists "${env.name}" twice`);
    }
    seen.add(env.name);
  }
  return { environments };
}
