import { EnvironmentConfig } from '@shiplog/plugin-shiplog-common';

/** What an environment does when `shiplog.environments` says nothing about it. */
export const DEFAULT_ENVIRONMENT_POLICY = {
  autoPromote: false,
  requiresApproval: false,
  sync: 'automatic',
  change: 'pull-request',
} as const satisfies Omit<EnvironmentConfig, 'name'>;

/** An environment with the default policy: one named only by events or by an entity's annotation. */
export function defaultEnvironment(name: string): EnvironmentConfig {
  return { name, ...DEFAULT_ENVIRONMENT_POLICY };
}

/** The policy of one of these environments, the default one when it is not among them. */
export function environmentPolicyOf(
  environments: EnvironmentConfig[],
  name: string,
): EnvironmentConfig {
  return (
    environments.find(env => env.name === name) ?? defaultEnvironment(name)
  );
}

/**
 * The environment DORA measures: the one marked `production: true`, else the last configured one;
 * undefined when none is configured (the caller falls back to the order events reveal).
 */
export function productionEnvironmentOf(
  environments: EnvironmentConfig[],
): string | undefined {
  return (
    environments.find(env => env.production)?.name ??
    environments[environments.length - 1]?.name
  );
}
