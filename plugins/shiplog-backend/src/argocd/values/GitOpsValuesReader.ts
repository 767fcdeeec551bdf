import { LoggerService, UrlReaderService } from '@backstage/backend-plugin-api';
import { ScmIntegrationRegistry } from '@backstage/integration';
import { tmpdir } from 'os';
import { join } from 'path';
import { parseDocument } from 'yaml';
import { TtlCache } from '../../cache/TtlCache';
import { BareRepositoryCache } from '../../gitops/BareRepositoryCache';
import { AllowedGitRepositories, createGitRunner } from '../../gitops/git';
import { valuesFileUrl } from '../../gitops/valuesFileUrl';

/** What a page shows when a values file cannot be read; the reason goes to the log, not to the client. */
export const VALUES_FILE_UNREADABLE =
  'could not read the values file (the backend log says why)';

/**
 * Reads a values file at a branch of a GitOps repository: through Backstage's URL reader on hosts with an
 * integration (credentials from `integrations.*`, the URL checked to stay inside the repository),
 * otherwise with `git fetch --depth 1` into a pruned cache of bare repositories. Git reaches only
 * integration hosts, `shiplog.gitops.allowedHosts` and `file://` repositories under an allowed root, so a
 * catalog author can neither read any repository on the backend host nor probe internal addresses.
 */
export class GitOpsValuesReader {
  private readonly files: TtlCache<string>;
  private readonly bare: BareRepositoryCache;

  constructor(
    private readonly options: {
      urlReader: UrlReaderService;
      integrations: ScmIntegrationRegistry;
      allowedFileRoots: string[];
      /** Hosts git may reach; without it, any (tests). */
      isAllowedHost?: AllowedGitRepositories['isAllowedHost'];
      ttlMs: number;
      timeoutMs: number;
      cacheDir?: string;
      logger?: LoggerService;
    },
  ) {
    this.files = new TtlCache(options.ttlMs);
    this.bare = new BareRepositoryCache({
      runGit: createGitRunner({ timeoutMs: options.timeoutMs }),
      allowed: {
        fileRoots: options.allowedFileRoots,
        isAllowedHost: options.isAllowedHost,
      },
      cacheDir: options.cacheDir ?? join(tmpdir(), 'shiplog-gitops-cache'),
      ttlMs: options.ttlMs,
    });
  }

  /** The scalar at `keyPath` (e.g. `image.tag`) of the file, as a string. */
  async readTag(
    repository: string,
    ref: string,
    path: string,
    keyPath: string,
  ): Promise<string> {
    const content = await this.files.get(`${repository}\0${ref}\0${path}`, () =>
      this.readFile(repository, ref, path),
    );
    const doc = parseDocument(content);
    const value = doc.getIn(keyPath.split('.'));
    if (value === undefined || value === null || typeof value === 'object') {
      throw new Error(`${path} has no scalar at ${keyPath}`);
    }
    return String(value);
  }

  /**
   * Logs why a read failed and returns what the client may see: git's and the host's answers would
   * tell open ports from closed ones, and files that exist on the backend host from ones that do not.
   */
  publicFailure(error: unknown, repository: string, path: string): string {
    this.options.logger?.info(
      `Reading ${path} of ${repository} failed: ${
        error instanceof Error ? error.message : String(error)
      }`,
    );
    return VALUES_FILE_UNREADABLE;
  }

  private async readFile(
    repository: string,
    ref: string,
    path: string,
  ): Promise<string> {
    const integration = this.options.integrations.byUrl(repository);
    if (integration && /^https?:/.test(repository)) {
      const url = valuesFileUrl(integration, repository, ref, path);
      const response = await this.options.urlReader.readUrl(url);
      return (await response.buffer()).toString('utf8');
    }
    return this.bare.readFile(repository, ref, path);
  }
}
