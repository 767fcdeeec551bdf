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
  };
}
