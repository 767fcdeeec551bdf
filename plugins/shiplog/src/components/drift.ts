import { EnvironmentStatus } from '@shiplog/plugin-shiplog-common';
import { plural } from './format';

/** Drift in words, or undefined when the environment is level with the one before it. */
export function describeDrift(env: EnvironmentStatus): string | undefined {
  const { drift } = env;
  if (!drift.previousEnvironment) return undefined;
  if (drift.releasesBehind > 0 || drift.commitsBehind > 0) {
    const parts: string[] = [];
    if (drift.releasesBehind > 0)
      parts.push(plural(drift.releasesBehind, 'release'));
    if (drift.commitsBehind > 0)
      parts.push(plural(drift.commitsBehind, 'commit'));
    return `${env.name} is ${parts.join(' / ')} behind ${
      drift.previousEnvironment
    }`;
  }
  if (drift.aheadOfPrevious) {
    return `${env.name} runs a newer release than ${drift.previousEnvironment}`;
  }
  return undefined;
}
