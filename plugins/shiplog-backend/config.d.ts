import { HumanDuration } from '@backstage/types';

export interface Config {
  /** Shiplog: release ledger, environments and promotions. */
  shiplog?: {
    /**
     * The environments a release moves through, in order (e.g. dev, qa, stage, prod).
     * An entity narrows or reorders them with the `shiplog.dev/environments` annotation.
     */
    environments?: Array<{
      /** Name as CI and Argo CD report it, e.g. `prod`. */
      name: string;
      /** Promote a release here automatically once it succeeded in the environment before. Default false. */
      autoPromote?: boolean;
      /** A promotion here needs an approval. Default false. */
      requiresApproval?: boolean;
      /** How Argo CD syncs this environment. Default `automatic`. */
      sync?: 'automatic' | 'manual';
      /** How a promotion changes the GitOps repository. Default `pull-request`. */
      change?: 'pull-request' | 'commit';
    }>;

    /** Promotions: moving a release to an environment through a GitOps change. */
    promotions?: {
      /**
       * Only a release that deployed successfully to the environment before may be promoted
       * (guard `environment-order`). Default true.
       */
      requirePreviousEnvironment?: boolean;
      /**
       * Ask GitHub to merge a promotion's pull request once its checks pass, for environments that do
       * not require approval. Default true.
       */
      autoMerge?: boolean;
      /** Labels of every promotion pull request, besides `promote-to-<env>` and `rollback`. Default `[shiplog-promotion]`. */
      labels?: string[];
      /**
       * How long a merged promotion waits for Argo CD (or CI) to report its deployment before it is
       * marked failed, e.g. `{ hours: 24 }` (the default) or `'1d'`.
       */
      deployTimeout?: HumanDuration | string;
      /** How often an open promotion pull request is asked about. Default 30 seconds. */
      pullRequestPollInterval?: HumanDuration | string;
    };

    /** How promotions write to GitOps repositories. */
    gitops?: {
      /**
       * Folders on the backend host under which `file://` GitOps repositories may be. A catalog
       * author could otherwise point `shiplog.dev/gitops-repo` at any repository on the host, so
       * `file://` repositories are refused unless listed here (absolute paths). Default none.
       */
      allowedFileRoots?: string[];
      /** Author and committer of the plain Git executor's commits. Default Shiplog <shiplog@localhost>. */
      author?: { name?: string; email?: string };
      /** Time limit of each git command (clone, push, ...). Default 60 seconds. */
      commandTimeout?: HumanDuration | string;
    };
  };
}
