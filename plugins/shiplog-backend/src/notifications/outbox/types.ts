/** What a Slack reply is about: a stage of a release, or something Shiplog did to it. */
export type StageKind =
  | 'build'
  | 'publish'
  | 'release'
  | 'deploy'
  | 'promotion'
  | 'sync'
  | 'rollback'
  | 'hold';

/** The details a reply shows, kept with the outbox row (JSON). */
export interface StagePayload {
  actor?: string;
  runUrl?: string;
  source?: string;
  reason?: string;
  error?: string;
  promotionId?: string;
  fromVersion?: string;
  automatic?: boolean;
  change?: { kind: string; url?: string };
  image?: { repository: string; tag: string; digest?: string };
  occurredAt?: string;
}

/** A message to deliver, as the ingest path writes it. */
export interface OutboxEntry {
  eventId: string;
  entityRef: string;
  kind: StageKind;
  status?: string;
  version?: string;
  commitSha?: string;
  environment?: string;
  payload: StagePayload;
}

/** A row of the outbox as the deliverer sees it. */
export interface OutboxRow extends OutboxEntry {
  id: number;
  createdAt: number;
  attempts: number;
  /** A send began before and may have reached Slack: look for the message before sending again. */
  sendStartedAt?: number;
}

/** Where a release's parent message lives in one channel. */
export interface ThreadKey {
  entityRef: string;
  version: string;
  channel: string;
}

export interface ThreadRecord extends ThreadKey {
  channelId?: string;
  ts?: string;
  postStartedAt?: number;
  revision: number;
  renderedRevision: number;
  updatedAt?: number;
}

/** How a delivered row ended. */
export type DeliveryOutcome = 'sent' | 'skipped' | 'failed';
