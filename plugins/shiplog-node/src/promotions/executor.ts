/**
 * What a promotion asks an executor to change in a GitOps repository: one scalar (the image tag) of
 * one values file, as a pull request or a direct commit.
 *
 * @public
 */
export interface PromotionChangeRequest {
  promotionId: string;
  /** `component:default/checkout`. */
  entityRef: string;
  environment: string;
  /** The tag to write. */
  version: string;
  /** The GitOps repository's Git URL (`shiplog.dev/gitops-repo`). */
  repository: string;
  /** The values file inside the repository, already checked to stay inside it. */
  path: string;
  /** The YAML key path of the tag, e.g. `image.tag`. */
  keyPath: string;
  /** What the environment's policy asks for. An executor that cannot open pull requests commits. */
  kind: 'pull-request' | 'commit';
  /** For a pull request: ask the host to merge it once its checks pass. */
  autoMerge: boolean;
  /** One line: the commit message's subject and the pull request's title. */
  title: string;
  /** Markdown: who asked and why, and the changelog. The commit message's body for a direct commit. */
  body: string;
  /** Pull request labels. */
  labels: string[];
  /** The branch a pull request comes from. */
  branch: string;
  /** Aborted when Shiplog stops waiting (its deadline passed): stop and make no further change. */
  signal?: AbortSignal;
}

/**
 * The change an executor made.
 *
 * @public
 */
export interface PromotionChangeResult {
  kind: 'pull-request' | 'commit';
  /** `opened`: a pull request waits for review; `merged`: the change is on the default branch. */
  state: 'opened' | 'merged';
  /** The tag before the change. */
  previousValue: string;
  url?: string;
  /** The pull request's number. */
  number?: number;
  branch?: string;
  /** The commit on the default branch (direct commit) or on the pull request's branch. */
  commitSha?: string;
}

/**
 * Where an opened pull request stands.
 *
 * @public
 */
export interface PromotionChangeStatus {
  state: 'open' | 'merged' | 'closed';
  /** The merge commit, once merged. */
  commitSha?: string;
  url?: string;
}

/**
 * Makes a promotion's GitOps change on one kind of Git host. Shiplog picks the first executor whose
 * `supports` accepts the repository, executors added by backend modules before the built-in ones
 * (GitHub for hosts in `integrations.github`, plain Git for every other URL).
 *
 * Errors tell Shiplog what happened: a `YamlEditError` (the key is missing or not a scalar) refuses
 * the promotion (422); a `ConflictError` from `@backstage/errors` (the file changed under the edit)
 * answers 409; an `InputError` (the repository may not be used) answers 400; anything else fails it.
 *
 * @public
 */
export interface PromotionExecutor {
  /** Short and stable, e.g. `github`; shown with the promotion. */
  readonly id: string;
  /** True when this executor handles the repository's URL. */
  supports(repository: string): boolean;
  /** The change kinds it can make; a `commit`-only executor commits where a pull request was asked for. */
  readonly changeKinds: ReadonlyArray<'pull-request' | 'commit'>;
  /** Makes the change. Never overwrites a concurrent edit: throws a `ConflictError` instead. */
  apply(request: PromotionChangeRequest): Promise<PromotionChangeResult>;
  /** Where an opened pull request stands; required when `changeKinds` includes `pull-request`. */
  getChangeStatus?(change: {
    repository: string;
    number?: number;
    branch?: string;
    /** Aborted when Shiplog stops waiting for the answer. */
    signal?: AbortSignal;
  }): Promise<PromotionChangeStatus>;
}
