/**
 * The plugin's tables, named once: the migrations in `migrations/` create them, the stores read and
 * write them. Nothing outside the stores should need these names.
 */
export const TABLES = {
  /** Every accepted ledger event as it came (the source of truth; the read models are derived). */
  events: 'shiplog_events',
  releases: 'shiplog_releases',
  commits: 'shiplog_commits',
  pullRequests: 'shiplog_pull_requests',
  deployments: 'shiplog_deployments',
  /** Per (entity, environment): the current and the last attempted deployment. */
  environmentState: 'shiplog_environment_state',
  webhookDeliveries: 'shiplog_webhook_deliveries',
  argocdSnapshots: 'shiplog_argocd_snapshots',
  promotions: 'shiplog_promotions',
  /** Finished (succeeded or failed) deployments per environment, with what DORA's rates need. */
  finishedDeployments: 'shiplog_finished_deployments',
  /** Per commit and environment: when a succeeded deployment first delivered it. */
  commitLeadTimes: 'shiplog_commit_lead_times',
  /** Per component and environment: the newest commit position delivered. */
  leadTimeMarks: 'shiplog_lead_time_marks',
  /** Per (entity, environment): what a rollup cell shows and what its drift needs. */
  rollupCells: 'shiplog_rollup_cells',
  /** Per component: the newest commit position. */
  commitHeads: 'shiplog_commit_heads',
  /** Per (environment, entity, day or week): DORA's counts, lead times and recovery times. */
  deliveryBuckets: 'shiplog_delivery_buckets',
  /** Where each scheduled task stopped (promotion tracking, auto-promotion). */
  taskCursors: 'shiplog_task_cursors',
  /** Held (entity, environment) pairs: auto-promotion into them stops. */
  environmentHolds: 'shiplog_environment_holds',
  /** Notifications waiting to be sent, and the Slack threads they were posted in. */
  notificationOutbox: 'shiplog_notification_outbox',
  notificationThreads: 'shiplog_notification_threads',
  /** Manual Argo CD syncs in flight, one row per application (one sync at a time across replicas). */
  argocdSyncLocks: 'shiplog_argocd_sync_locks',
  /** One row per component, locked by each ingest transaction that folds its events. */
  ledgerLocks: 'shiplog_ledger_locks',
} as const;
