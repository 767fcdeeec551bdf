import { EnvironmentStatus } from '@shiplog/plugin-shiplog-common';

/** Compare what production runs with the newest release, when both are listed and differ. */
export function compareDefaults(
  versions: string[],
  running: string | undefined,
) {
  const to = versions[0];
  const from =
    running && running !== to && versions.includes(running)
      ? running
      : versions[1];
  return { defaultFrom: from, defaultTo: to };
}

/** What to offer first when promoting to an environment: what the environment before it runs. */
export function nextVersionFor(
  environments: EnvironmentStatus[],
  target: string,
): string | undefined {
  const index = environments.findIndex(env => env.name === target);
  return index > 0 ? environments[index - 1].current?.version : undefined;
}
