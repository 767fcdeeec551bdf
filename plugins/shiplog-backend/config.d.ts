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
      /** The environment DORA metrics measure; at most one is marked. Default: the last one. */
      production?: boolean;
    }>;

    /** Who may report release events (`POST /v1/events`), and which events are believed. */
    ingest?: {
      /**
       * How far in the future an event's `occurredAt` may lie (senders' clocks drift), e.g. `{ minutes: 5 }`
       * (the default) or `'5m'`. A later event is refused with a 400 naming `occurredAt`.
       */
      maxClockSkew?: HumanDuration | string;
      /**
       * Which service principal may report events for which entities. Without this list every service
       * may report for every entity (and the backend warns at start); with it, a subject not listed may
       * report for none. Out of scope: 403 naming the entity.
       */
      subjects?: Array<{
        /** A static token's `subject` (backend.auth.externalAccess), or `plugin:<pluginId>`. */
        subject: string;
        /**
         * Entity refs (`component:default/checkout`), `owner:<group ref>` (every entity the group or one of
         * its child groups owns), or `*`.
         */
        entities: string[];
      }>;
    };

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

    /** GitOps repositories Shiplog reads (drift) and writes (promotions). */
    gitops?: {
      /**
       * Folders on the backend host under which `file://` GitOps repositories may lie (absolute
       * paths). Empty by default: a catalog author could otherwise point `shiplog.dev/gitops-repo` at
       * any repository on the backend host.
       */
      allowedFileRoots?: string[];
      /**
       * Hosts (`git.example.com`, or `host:port` for one port) whose repositories git may fetch from and
       * push to, besides the hosts of `integrations.*`. Any other host named by `shiplog.dev/gitops-repo`
       * is refused, so a catalog author cannot make the backend probe internal addresses.
       */
      allowedHosts?: string[];
      /** Author and committer of the plain Git executor's commits. Default Shiplog <shiplog@localhost>. */
      author?: { name?: string; email?: string };
      /** Time limit of each git command (clone, push, ...). Default 60 seconds. */
      commandTimeout?: HumanDuration | string;
    };

    /** Release notifications: Slack threads, Backstage notifications, signals. */
    notifications?: {
      /**
       * Slack: one parent message per release per channel, kept current, and one threaded reply per
       * stage event, delivered from a durable outbox. Off when absent. The bot needs `chat:write`, and
       * `channels:history` (`groups:history` for private channels) plus `channels:read` to find a
       * message again after a crash instead of posting it twice.
       */
      slack?: {
        /**
         * Bot token (`xoxb-…`).
         * @visibility secret
         */
        token: string;
        /** Slack Web API base URL. Default https://slack.com/api/ (the demo points it at its stand-in). */
        apiUrl?: string;
        /**
         * Channel of entities with neither `shiplog.dev/slack-channel` nor `slack.com/bot-notify`
         * (a name like `#deploys` or a channel ID). Without it, such entities post nothing.
         */
        defaultChannel?: string;
        /** Environments whose events post (e.g. `[prod]`); default all. Build and publish show on the parent. */
        environments?: string[];
        /** A release's parent message is updated at most once per this many seconds. Default 5. */
        parentUpdateIntervalSeconds?: number;
      };
      /**
       * How long production may run an older version than the environment before it until its owners
       * get a `shiplog.drift` notification, e.g. `{ days: 3 }` (the default) or `'3d'`.
       */
      driftAfter?: HumanDuration | string;
    };

    /** Live Argo CD state beside the ledger, and manual sync. */
    argocd?: {
      /** How often each instance's application list is polled (one replica polls). Default 15. */
      refreshIntervalSeconds?: number;
      /**
       * Follow each instance's application watch stream (`/api/v1/stream/applications`, one stream per
       * instance held by one replica), so syncs and health changes show within a second. Default true.
       */
      watch?: boolean;
      /** While a watch stream keeps an instance fresh, how often it is still listed in full. Default 300. */
      safetyNetPollSeconds?: number;
      /** Per request to Argo CD; a slower instance is reported as failing. Default 5000. */
      timeoutMs?: number;
      /**
       * How long the Deployments tab waits on Argo CD and the GitOps repository before answering with what
       * has arrived (the rest keeps loading for the next view). A manual sync always waits for all of it.
       * Default 1500.
       */
      pageBudgetMs?: number;
      /** Application labels that name the environment, in order. Default shiplog.dev/environment, environment, env. */
      environmentLabels?: string[];
      /** Destination cluster name, server URL or namespace → environment, for apps without such a label. */
      destinationEnvironments?: { [destination: string]: string };
      /** Argo CD instances. Without `argocd/instance-name`, an entity's apps are looked up in all of them. */
      instances?: Array<{
        /** Matches the `argocd/instance-name` annotation. */
        name: string;
        /** API base URL, e.g. https://argocd.example.com */
        url: string;
        /** The Argo CD UI, when users reach it at another URL. */
        frontendUrl?: string;
        /**
         * An Argo CD account token (preferred).
         * @visibility secret
         */
        token?: string;
        /** Local user, when there is no token; the session token is fetched once and renewed on expiry or 401. */
        username?: string;
        /** @visibility secret */
        password?: string;
      }>;
    };
  };
}
