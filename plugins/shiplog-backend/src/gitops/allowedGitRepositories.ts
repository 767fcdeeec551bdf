import { Config } from '@backstage/config';
import { ScmIntegrationRegistry } from '@backstage/integration';
import { isAbsolute } from 'node:path';
import { AllowedGitRepositories } from './git';

/**
 * Reads where git may go from config: `file://` repositories under `shiplog.gitops.allowedFileRoots`, and
 * network repositories on an integration's host (`integrations.*`) or one of `shiplog.gitops.allowedHosts`
 * (`host` or `host:port`). A catalog annotation names the repository; only an administrator names hosts.
 */
export function readAllowedGitRepositories(
  config: Config,
  integrations: Pick<ScmIntegrationRegistry, 'byHost'>,
): AllowedGitRepositories {
  const fileRoots =
    config.getOptionalStringArray('shiplog.gitops.allowedFileRoots') ?? [];
  fileRoots.forEach((root, index) => {
    if (!isAbsolute(root)) {
      throw new Error(
        `shiplog.gitops.allowedFileRoots[${index}] "${root}" must be an absolute path`,
      );
    }
  });
  const hosts = new Set(
    (config.getOptionalStringArray('shiplog.gitops.allowedHosts') ?? []).map(
      host => host.trim().toLowerCase(),
    ),
  );
  return {
    fileRoots,
    isAllowedHost: ({ hostname, port }) => {
      const withPort = port ? `${hostname}:${port}` : hostname;
      return (
        hosts.has(hostname) ||
        hosts.has(withPort) ||
        integrations.byHost(withPort) !== undefined ||
        integrations.byHost(hostname) !== undefined
      );
    },
  };
}
