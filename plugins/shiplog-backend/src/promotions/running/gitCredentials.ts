import {
  GithubCredentialsProvider,
  ScmIntegrationRegistry,
} from '@backstage/integration';

/** HTTP basic credentials for git over https. */
export interface GitCredentials {
  username: string;
  password: string;
}

/**
 * The credentials `integrations.*` configures for a repository's host, as git over https takes them:
 * GitHub's (token or GitHub App, through the credentials provider), GitLab's token, Bitbucket's and
 * Gitea's. Undefined for a host without one (git then uses the host's own credentials, if any).
 */
export function integrationGitCredentials(
  integrations: ScmIntegrationRegistry,
  github: GithubCredentialsProvider,
): (repository: string) => Promise<GitCredentials | undefined> {
  return async repository => {
    if (!/^https?:\/\//i.test(repository)) return undefined;
    if (integrations.github.byUrl(repository)) {
      const { token } = await github.getCredentials({ url: repository });
      return token
        ? { username: 'x-access-token', password: token }
        : undefined;
    }
    const gitlab = integrations.gitlab.byUrl(repository)?.config;
    if (gitlab?.token) return { username: 'oauth2', password: gitlab.token };
    const bitbucketServer =
      integrations.bitbucketServer.byUrl(repository)?.config;
    if (bitbucketServer?.token) {
      return { username: 'x-token-auth', password: bitbucketServer.token };
    }
    if (bitbucketServer?.username && bitbucketServer.password) {
      return {
        username: bitbucketServer.username,
        password: bitbucketServer.password,
      };
    }
    const bitbucketCloud =
      integrations.bitbucketCloud.byUrl(repository)?.config;
    if (bitbucketCloud?.username && bitbucketCloud.appPassword) {
      return {
        username: bitbucketCloud.username,
        password: bitbucketCloud.appPassword,
      };
    }
    const gitea = integrations.gitea.byUrl(repository)?.config;
    if (gitea?.username && gitea.password) {
      return { username: gitea.username, password: gitea.password };
    }
    return undefined;
  };
}

/**
 * The environment that hands git the credentials as an HTTP header for this one command: through
 * `GIT_CONFIG_*` rather than arguments or the URL, so they show in no process list, remote URL or log.
 */
export function gitCredentialsEnv(
  credentials: GitCredentials | undefined,
): Record<string, string> | undefined {
  if (!credentials) return undefined;
  const basic = Buffer.from(
    `${credentials.username}:${credentials.password}`,
  ).toString('base64');
  return {
    GIT_CONFIG_COUNT: '1',
    GIT_CONFIG_KEY_0: 'http.extraHeader',
    GIT_CONFIG_VALUE_0: `Authorization: Basic ${basic}`,
  };
}
