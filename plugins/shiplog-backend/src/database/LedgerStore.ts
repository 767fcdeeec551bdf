import { Knex } from 'knex';
import {
  CommitSummary,
  PullRequestSummary,
  ReleaseEvent,
  versionSortKey,
} from '@shiplog/plugin-shiplog-common';
import {
  CommitRecord,
  DeploymentRecord,
  EnvironmentStateRecord,
  IngestResult,
  LedgerEvent,
  ProjectedLedgerEvent,
  ReleaseRecord,
  StageRecord,
} from './types';

const EVENTS = 'shiplog_events';
const RELEASES = 'shiplog_releases';
const COMMITS = 'shiplog_commits';
const PULL_REQUESTS = 'shiplog_pull_requests';
const DEPLOYMENTS = 'shiplog_deployments';
const STATE = 'shiplog_environment_state';

/** How long a started deployment may wait for its finish to be reported. */
const MAX_OPEN_DEPLOYMENT_MS = 24 * 60 * 60 * 1000;

/** Rows per INSERT: far below both databases' bound-parameter limits, large enough to amortise a round trip. */
const CHUNK = 500;

type Stage = 'build' | 'publish' | 'release';
type Status = ReleaseEvent['status'];
type DeploymentStatus = DeploymentRecord['status'];

const TERMINAL: Record<Status, DeploymentStatus | undefined> = {
  started: undefined,
  succeeded: 'succeeded',
  failed: 'failed',
  cancelled: 'cancelled',
};

/** Squash merges end in "(#123)", merge commits start with "Merge pull request #123". */
export function pullRequestNumberFromMessage(
  message: string | undefined,
): number | undefined {
  if (!message) {
    return undefined;
  }
  const firstLine = message.split('\n', 1)[0];
  const match =
    /\(#(\d+)\)\s*$/.exec(firstLine) ??
    /^Merge pull request #(\d+)/.exec(firstLine);
  return match ? Number(match[1]) : undefined;
}

const toNumber = (value: unknown): number | undefined =>
  value === null || value === undefined ? undefined : Number(value);
const orUndefined = <T>(value: T | null): T | undefined =>
  value === null ? undefined : value;

function chunks<T>(items: T[], size = CHUNK): T[][] {
  const result: T[][] = [];
  for (let i = 0; i < items.length; i += size) {
    result.push(items.slice(i, i + size));
  }
  return result;
}

interface ReleaseRow {
  entity_ref: string;
  version: string;
  version_key: string;
  commit_sha: string | null;
  first_seen_at: number;
  build_status: string | null;
  build_at: number | null;
  build_run_url: string | null;
  publish_status: string | null;
  publish_at: number | null;
  publish_run_url: string | null;
  release_status: string | null;
  release_at: number | null;
  release_run_url: string | null;
  image_repository: string | null;
  image_tag: string | null;
  image_digest: string | null;
}

interface CommitRow {
  entity_ref: string;
  sha: string;
  position: number;
  message: string | null;
  author: string | null;
  pr_number: number | null;
  committed_at: number;
}

interface PullRequestRow {
  entity_ref: string;
  number: number;
  title: string | null;
  labels: string;
  url: string | null;
  merge_commit_sha: string | null;
  merged_at: number | null;
}

interface DeploymentRow {
  id?: string | number;
  entity_ref: string;
  environment: string;
  version: string;
  commit_sha: string | null;
  status: string;
  started_at: number | null;
  finished_at: number | null;
  updated_at: number;
  sort_at: number;
  actor: string | null;
  run_url: string | null;
  source: string | null;
  rollback: boolean | number;
}

/** A later report of a stage wins; at the same instant a final status wins over `started`. */
function isNewerStage(
  at: number,
  status: string,
  prevAt: number | null,
  prevStatus: string | null,
): boolean {
  if (prevAt === null) {
    return true;
  }
  return (
    at > prevAt ||
    (at === prevAt && prevStatus === 'started' && status !== 'started')
  );
}

/** SQL for "take the incoming stage when it is newer", the same rule as isNewerStage, evaluated by the database. */
function newerStageSql(stage: Stage): string {
  const t = RELEASES;
  return `excluded.${stage}_at IS NOT NULL AND (${t}.${stage}_at IS NULL OR excluded.${stage}_at > ${t}.${stage}_at OR (excluded.${stage}_at = ${t}.${stage}_at AND ${t}.${stage}_status = 'started'))`;
}

function deploymentFromRow(row: DeploymentRow): DeploymentRecord {
  return {
    id: String(row.id),
    entityRef: row.entity_ref,
    environment: row.environment,
    version: row.version,
    commitSha: orUndefined(row.commit_sha),
    status: row.status as DeploymentStatus,
    startedAt: toNumber(row.started_at),
    finishedAt: toNumber(row.finished_at),
    updatedAt: Number(row.updated_at),
    sortAt: Number(row.sort_at),
    actor: orUndefined(row.actor),
    runUrl: orUndefined(row.run_url),
    source: orUndefined(row.source),
    rollback: Boolean(row.rollback),
  };
}

function stageFromRow(row: ReleaseRow, stage: Stage): StageRecord | undefined {
  const status = row[`${stage}_status`];
  if (!status) {
    return undefined;
  }
  return {
    status: status as Status,
    at: Number(row[`${stage}_at`]),
    runUrl: orUndefined(row[`${stage}_run_url`]),
  };
}

function releaseFromRow(row: ReleaseRow): ReleaseRecord {
  return {
    version: row.version,
    versionKey: row.version_key,
    commitSha: orUndefined(row.commit_sha),
    firstSeenAt: Number(row.first_seen_at),
    build: stageFromRow(row, 'build'),
    publish: stageFromRow(row, 'publish'),
    release: stageFromRow(row, 'release'),
    image:
      row.image_repository && row.image_tag
        ? {
            repository: row.image_repository,
            tag: row.image_tag,
            digest: orUndefined(row.image_digest),
          }
        : undefined,
  };
}

/** Columns already hold these; the payload keeps the rest (image, commits, pull request), so event = columns + payload. */
const COLUMN_FIELDS = new Set([
  'id',
  'entityRef',
  'type',
  'status',
  'version',
  'commitSha',
  'environment',
  'runUrl',
  'actor',
  'source',
  'occurredAt',
]);

function payloadOf(event: LedgerEvent): string {
  const rest: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(event)) {
    if (!COLUMN_FIELDS.has(key) && value !== undefined) rest[key] = value;
  }
  return JSON.stringify(rest);
}

function occurredAt(event: LedgerEvent, fallback: number): number {
  return event.occurredAt ? Date.parse(event.occurredAt) : fallback;
}

interface PendingCommit {
  entityRef: string;
  sha: string;
  message?: string;
  author?: string;
  prNumber?: number;
  at: number;
}

/**
 * Folds freshly accepted events into the read models. One instance per transaction.
 */
class LedgerProjection {
  constructor(
    private readonly trx: Knex.Transaction,
    /** Each event's time, parsed once per batch by the store. */
    private readonly times: Map<LedgerEvent, number>,
  ) {}

  async apply(allEvents: LedgerEvent[]): Promise<void> {
    // Promotion events are Shiplog's record of its own actions: kept, but folded into no read model.
    const events = allEvents.filter(
      (event): event is ProjectedLedgerEvent => event.type !== 'promotion',
    );
    await this.applyCommits(events);
    const releaseEvents = events.filter(
      (event): event is ReleaseEvent =>
        event.type !== 'commits' && event.type !== 'pull_request',
    );
    if (!releaseEvents.length) {
      return;
    }
    const versions = await this.resolveVersions(releaseEvents);
    await this.applyReleases(releaseEvents, versions);
    const deploys = releaseEvents.filter(event => event.type === 'deploy');
    if (deploys.length) {
      await this.applyDeployments(deploys, versions);
    }
  }

  private at(event: LedgerEvent): number {
    return this.times.get(event)!;
  }

  /** Commits and pull requests: what the default branch holds, in order. */
  private async applyCommits(events: ProjectedLedgerEvent[]): Promise<void> {
    const commits = new Map<string, PendingCommit>();
    const pullRequests = new Map<string, PullRequestRow>();
    const addCommit = (
      entityRef: string,
      commit: CommitSummary,
      at: number,
    ) => {
      const key = `${entityRef}\u0000${commit.sha}`;
      const prNumber =
        commit.pullRequest?.number ??
        pullRequestNumberFromMessage(commit.message);
      const existing = commits.get(key);
      if (existing) {
        existing.message ??= commit.message;
        existing.author ??= commit.author;
        existing.prNumber = prNumber ?? existing.prNumber;
      } else {
        commits.set(key, {
          entityRef,
          sha: commit.sha,
          message: commit.message,
          author: commit.author,
          prNumber,
          at,
        });
      }
    };
    const addPullRequest = (
      entityRef: string,
      pr: PullRequestSummary,
      mergeSha: string | undefined,
      at: number | undefined,
    ) => {
      const key = `${entityRef}\u0000${pr.number}`;
      const previous = pullRequests.get(key);
      pullRequests.set(key, {
        entity_ref: entityRef,
        number: pr.number,
        title: pr.title ?? previous?.title ?? null,
        labels: JSON.stringify(pr.labels ?? []),
        url: pr.url ?? previous?.url ?? null,
        merge_commit_sha: mergeSha ?? previous?.merge_commit_sha ?? null,
        merged_at: at ?? previous?.merged_at ?? null,
      });
    };

    for (const event of events) {
      const at = this.at(event);
      if (event.type === 'pull_request') {
        addPullRequest(event.entityRef, event.pullRequest, event.commitSha, at);
        if (event.commitSha) {
          addCommit(
            event.entityRef,
            {
              sha: event.commitSha,
              message: event.pullRequest.title,
              pullRequest: event.pullRequest,
            },
            at,
          );
        }
        continue;
      }
      for (const commit of event.commits ?? []) {
        addCommit(event.entityRef, commit, at);
        if (commit.pullRequest) {
          addPullRequest(
            event.entityRef,
            commit.pullRequest,
            undefined,
            undefined,
          );
        }
      }
      if (
        event.type !== 'commits' &&
        event.type !== 'deploy' &&
        event.commitSha
      ) {
        addCommit(event.entityRef, { sha: event.commitSha }, at);
      }
    }

    if (commits.size) {
      const entityRefs = [
        ...new Set([...commits.values()].map(c => c.entityRef)),
      ];
      const maxRows: Array<{
        entity_ref: string;
        max: number | string | null;
      }> = await this.trx(COMMITS)
        .whereIn('entity_ref', entityRefs)
        .groupBy('entity_ref')
        .select('entity_ref')
        .max({ max: 'position' });
      const next = new Map(
        maxRows.map(row => [row.entity_ref, Number(row.max ?? 0)]),
      );
      const rows: CommitRow[] = [...commits.values()].map(commit => {
        const position = (next.get(commit.entityRef) ?? 0) + 1;
        next.set(commit.entityRef, position);
        return {
          entity_ref: commit.entityRef,
          sha: commit.sha,
          position,
          message: commit.message ?? null,
          author: commit.author ?? null,
          pr_number: commit.prNumber ?? null,
          committed_at: commit.at,
        };
      });
      for (const part of chunks(rows)) {
        // A commit keeps the position it was first seen at; later reports only fill in what was missing.
        await this.trx(COMMITS)
          .insert(part)
          .onConflict(['entity_ref', 'sha'])
          .merge({
            message: this.trx.raw(
              `COALESCE(${COMMITS}.message, excluded.message)`,
            ),
            author: this.trx.raw(
              `COALESCE(${COMMITS}.author, excluded.author)`,
            ),
            pr_number: this.trx.raw(
              `COALESCE(excluded.pr_number, ${COMMITS}.pr_number)`,
            ),
          });
      }
    }

    if (pullRequests.size) {
      for (const part of chunks([...pullRequests.values()])) {
        await this.trx(PULL_REQUESTS)
          .insert(part)
          .onConflict(['entity_ref', 'number'])
          .merge({
            title: this.trx.raw(
              `COALESCE(excluded.title, ${PULL_REQUESTS}.title)`,
            ),
            labels: this.trx.raw(
              `CASE WHEN excluded.labels = '[]' THEN ${PULL_REQUESTS}.labels ELSE excluded.labels END`,
            ),
            url: this.trx.raw(`COALESCE(excluded.url, ${PULL_REQUESTS}.url)`),
            merge_commit_sha: this.trx.raw(
              `COALESCE(excluded.merge_commit_sha, ${PULL_REQUESTS}.merge_commit_sha)`,
            ),
            merged_at: this.trx.raw(
              `COALESCE(excluded.merged_at, ${PULL_REQUESTS}.merged_at)`,
            ),
          });
      }
    }
  }

  /**
   * The version each event is about: its own, the published tag, or for a deploy known only by
   * commit the newest release built from that commit (the sha itself when there is none).
   */
  private async resolveVersions(
    events: ReleaseEvent[],
  ): Promise<Map<ReleaseEvent, string>> {
    const versions = new Map<ReleaseEvent, string>();
    const bySha: ReleaseEvent[] = [];
    const batchReleasesOfCommit = new Map<string, string>();
    for (const event of events) {
      const version =
        event.version ??
        (event.type === 'publish' ? event.image?.tag : undefined);
      if (version) {
        versions.set(event, version);
        if (event.commitSha) {
          batchReleasesOfCommit.set(
            `${event.entityRef}\u0000${event.commitSha}`,
            version,
          );
        }
      } else {
        bySha.push(event);
      }
    }
    if (bySha.length) {
      // Per-column IN lists use the (entity_ref, commit_sha) index; row-value IN lists plan poorly on PostgreSQL.
      const wanted = new Set(
        bySha.map(e => `${e.entityRef}\u0000${e.commitSha}`),
      );
      const known = new Map<string, { version: string; key: string }>();
      const rows: Array<{
        entity_ref: string;
        commit_sha: string;
        version: string;
        version_key: string;
      }> = await this.trx(RELEASES)
        .whereIn('entity_ref', [...new Set(bySha.map(e => e.entityRef))])
        .whereIn('commit_sha', [...new Set(bySha.map(e => e.commitSha!))])
        .select('entity_ref', 'commit_sha', 'version', 'version_key');
      for (const row of rows) {
        const key = `${row.entity_ref}\u0000${row.commit_sha}`;
        const previous = known.get(key);
        if (wanted.has(key) && (!previous || row.version_key > previous.key)) {
          known.set(key, { version: row.version, key: row.version_key });
        }
      }
      for (const event of bySha) {
        const key = `${event.entityRef}\u0000${event.commitSha}`;
        versions.set(
          event,
          batchReleasesOfCommit.get(key) ??
            known.get(key)?.version ??
            event.commitSha!,
        );
      }
    }
    return versions;
  }

  private async applyReleases(
    events: ReleaseEvent[],
    versions: Map<ReleaseEvent, string>,
  ): Promise<void> {
    const rows = new Map<string, ReleaseRow>();
    for (const event of events) {
      const version = versions.get(event)!;
      const at = this.at(event);
      const key = `${event.entityRef}\u0000${version}`;
      let row = rows.get(key);
      if (!row) {
        row = {
          entity_ref: event.entityRef,
          version,
          version_key: '',
          commit_sha: null,
          first_seen_at: at,
          build_status: null,
          build_at: null,
          build_run_url: null,
          publish_status: null,
          publish_at: null,
          publish_run_url: null,
          release_status: null,
          release_at: null,
          release_run_url: null,
          image_repository: null,
          image_tag: null,
          image_digest: null,
        };
        rows.set(key, row);
      }
      row.first_seen_at = Math.min(row.first_seen_at, at);
      row.commit_sha ??= event.commitSha ?? null;
      if (event.type !== 'deploy') {
        const stage: Stage = event.type;
        if (
          isNewerStage(
            at,
            event.status,
            row[`${stage}_at`],
            row[`${stage}_status`],
          )
        ) {
          row[`${stage}_status`] = event.status;
          row[`${stage}_at`] = at;
          row[`${stage}_run_url`] = event.runUrl ?? null;
          if (stage === 'publish' && event.image) {
            row.image_repository = event.image.repository;
            row.image_tag = event.image.tag;
            row.image_digest = event.image.digest ?? null;
          }
        }
      }
    }
    for (const row of rows.values()) {
      row.version_key = versionSortKey(
        row.version,
        new Date(row.first_seen_at),
      );
    }
    const t = RELEASES;
    const stageMerge = (stage: Stage) => {
      const newer = newerStageSql(stage);
      return {
        [`${stage}_status`]: this.trx.raw(
          `CASE WHEN ${newer} THEN excluded.${stage}_status ELSE ${t}.${stage}_status END`,
        ),
        [`${stage}_run_url`]: this.trx.raw(
          `CASE WHEN ${newer} THEN excluded.${stage}_run_url ELSE ${t}.${stage}_run_url END`,
        ),
        [`${stage}_at`]: this.trx.raw(
          `CASE WHEN ${newer} THEN excluded.${stage}_at ELSE ${t}.${stage}_at END`,
        ),
      };
    };
    const publishNewer = newerStageSql('publish');
    for (const part of chunks([...rows.values()])) {
      await this.trx(RELEASES)
        .insert(part)
        .onConflict(['entity_ref', 'version'])
        .merge({
          // Both keys of a version only differ for commit-sha versions, ordered by first sighting.
          version_key: this.trx.raw(
            `CASE WHEN excluded.version_key < ${t}.version_key THEN excluded.version_key ELSE ${t}.version_key END`,
          ),
          first_seen_at: this.trx.raw(
            `CASE WHEN excluded.first_seen_at < ${t}.first_seen_at THEN excluded.first_seen_at ELSE ${t}.first_seen_at END`,
          ),
          commit_sha: this.trx.raw(
            `COALESCE(${t}.commit_sha, excluded.commit_sha)`,
          ),
          image_repository: this.trx.raw(
            `CASE WHEN ${publishNewer} AND excluded.image_repository IS NOT NULL THEN excluded.image_repository ELSE ${t}.image_repository END`,
          ),
          image_tag: this.trx.raw(
            `CASE WHEN ${publishNewer} AND excluded.image_tag IS NOT NULL THEN excluded.image_tag ELSE ${t}.image_tag END`,
          ),
          image_digest: this.trx.raw(
            `CASE WHEN ${publishNewer} AND excluded.image_repository IS NOT NULL THEN excluded.image_digest ELSE ${t}.image_digest END`,
          ),
          ...stageMerge('build'),
          ...stageMerge('publish'),
          ...stageMerge('release'),
        });
    }
  }

  /**
   * Deploy events open a deployment (`started`) or finish the open one of the same release in the
   * same environment; a final event without an open deployment is a deployment of its own.
   * Then the state per environment moves to the newest attempt and the newest success.
   */
  private async applyDeployments(
    events: ReleaseEvent[],
    versions: Map<ReleaseEvent, string>,
  ): Promise<void> {
    const ordered = [...events].sort((a, b) => this.at(a) - this.at(b));
    const triples = [
      ...new Set(
        ordered.map(
          e => `${e.entityRef}\u0000${e.environment}\u0000${versions.get(e)}`,
        ),
      ),
    ].map(k => k.split('\u0000'));

    const open = new Map<string, DeploymentRow>();
    const wantedTriples = new Set(triples.map(t => t.join('\u0000')));
    const openRows: DeploymentRow[] = await this.trx(DEPLOYMENTS)
      .whereIn('entity_ref', [...new Set(triples.map(t => t[0]))])
      .whereIn('version', [...new Set(triples.map(t => t[2]))])
      .where({ status: 'in_progress' })
      .orderBy('sort_at', 'asc');
    for (const row of openRows) {
      const key = `${row.entity_ref}\u0000${row.environment}\u0000${row.version}`;
      if (wantedTriples.has(key)) open.set(key, row);
    }

    const entityRefs = [...new Set(ordered.map(e => e.entityRef))];
    const states = new Map<
      string,
      { currentAt: number | null; currentVersion: string | null }
    >();
    const currentRows: Array<{
      entity_ref: string;
      environment: string;
      current_at: number | null;
      version: string | null;
    }> = await this.trx(`${STATE} as s`)
      .leftJoin(`${DEPLOYMENTS} as d`, 'd.id', 's.current_deployment_id')
      .whereIn('s.entity_ref', entityRefs)
      .select('s.entity_ref', 's.environment', 's.current_at', 'd.version');
    for (const row of currentRows) {
      states.set(`${row.entity_ref}\u0000${row.environment}`, {
        currentAt: toNumber(row.current_at) ?? null,
        currentVersion: row.version,
      });
    }

    // Version keys decide whether a success is a rollback; the releases were upserted just before.
    const keyPairs = new Set<string>();
    for (const event of ordered) {
      keyPairs.add(`${event.entityRef}\u0000${versions.get(event)}`);
      const state = states.get(`${event.entityRef}\u0000${event.environment}`);
      if (state?.currentVersion) {
        keyPairs.add(`${event.entityRef}\u0000${state.currentVersion}`);
      }
    }
    const versionKeys = new Map<string, string>();
    const keyRows: Array<{
      entity_ref: string;
      version: string;
      version_key: string;
    }> = await this.trx(RELEASES)
      .whereIn('entity_ref', entityRefs)
      .whereIn('version', [
        ...new Set([...keyPairs].map(k => k.split('\u0000')[1])),
      ])
      .select('entity_ref', 'version', 'version_key');
    for (const row of keyRows) {
      const key = `${row.entity_ref}\u0000${row.version}`;
      if (keyPairs.has(key)) versionKeys.set(key, row.version_key);
    }

    const created: DeploymentRow[] = [];
    const updated = new Set<DeploymentRow>();
    for (const event of ordered) {
      const version = versions.get(event)!;
      const at = this.at(event);
      const tripleKey = `${event.entityRef}\u0000${event.environment}\u0000${version}`;
      const terminal = TERMINAL[event.status];
      const candidate = open.get(tripleKey);
      // A start left open for more than a day (its finish was never reported) is not the attempt this
      // event finishes or restarts; it stays as it was and this event is a deployment of its own.
      const existing =
        candidate &&
        at - Number(candidate.sort_at) <= MAX_OPEN_DEPLOYMENT_MS &&
        at >= Number(candidate.sort_at)
          ? candidate
          : undefined;
      let row: DeploymentRow;
      if (existing) {
        row = existing;
        row.commit_sha ??= event.commitSha ?? null;
        row.actor ??= event.actor ?? null;
        row.run_url ??= event.runUrl ?? null;
        row.updated_at = Math.max(Number(row.updated_at), at);
        if (terminal) {
          row.status = terminal;
          row.finished_at = at;
          open.delete(tripleKey);
        }
        if (row.id !== undefined) {
          updated.add(row);
        }
      } else {
        row = {
          entity_ref: event.entityRef,
          environment: event.environment!,
          version,
          commit_sha: event.commitSha ?? null,
          status: terminal ?? 'in_progress',
          started_at: terminal ? null : at,
          finished_at: terminal ? at : null,
          updated_at: at,
          sort_at: at,
          actor: event.actor ?? null,
          run_url: event.runUrl ?? null,
          source: event.source ?? null,
          rollback: false,
        };
        created.push(row);
        if (!terminal) {
          open.set(tripleKey, row);
        }
      }
      if (terminal === 'succeeded') {
        const stateKey = `${event.entityRef}\u0000${event.environment}`;
        const state = states.get(stateKey) ?? {
          currentAt: null,
          currentVersion: null,
        };
        if (state.currentAt === null || at >= state.currentAt) {
          const currentKey = state.currentVersion
            ? versionKeys.get(`${event.entityRef}\u0000${state.currentVersion}`)
            : undefined;
          const newKey = versionKeys.get(`${event.entityRef}\u0000${version}`);
          row.rollback = Boolean(currentKey && newKey && newKey < currentKey);
          states.set(stateKey, { currentAt: at, currentVersion: version });
        }
      }
    }

    for (const part of chunks(created)) {
      const ids: Array<{ id: string | number }> = await this.trx(DEPLOYMENTS)
        .insert(part)
        .returning('id');
      part.forEach((row, index) => {
        row.id = ids[index].id;
      });
    }
    for (const row of updated) {
      await this.trx(DEPLOYMENTS).where({ id: row.id }).update({
        status: row.status,
        finished_at: row.finished_at,
        updated_at: row.updated_at,
        commit_sha: row.commit_sha,
        actor: row.actor,
        run_url: row.run_url,
        rollback: row.rollback,
      });
    }

    const stateRows = new Map<
      string,
      {
        entity_ref: string;
        environment: string;
        current_deployment_id: string | number | null;
        current_at: number | null;
        attempt_deployment_id: string | number | null;
        attempt_at: number | null;
      }
    >();
    for (const row of [...created, ...updated]) {
      const key = `${row.entity_ref}\u0000${row.environment}`;
      const state = stateRows.get(key) ?? {
        entity_ref: row.entity_ref,
        environment: row.environment,
        current_deployment_id: null,
        current_at: null,
        attempt_deployment_id: null,
        attempt_at: null,
      };
      const attemptAt = Number(row.sort_at);
      if (state.attempt_at === null || attemptAt >= state.attempt_at) {
        state.attempt_deployment_id = row.id!;
        state.attempt_at = attemptAt;
      }
      if (row.status === 'succeeded') {
        const currentAt = Number(row.finished_at ?? row.sort_at);
        if (state.current_at === null || currentAt >= state.current_at) {
          state.current_deployment_id = row.id!;
          state.current_at = currentAt;
        }
      }
      stateRows.set(key, state);
    }
    const newer = (column: 'current' | 'attempt') =>
      `excluded.${column}_at IS NOT NULL AND (${STATE}.${column}_at IS NULL OR excluded.${column}_at >= ${STATE}.${column}_at)`;
    // Each side (current, attempt) moves only to a newer deployment; its id and time move together.
    const merge: Record<string, Knex.Raw> = {};
    for (const side of ['current', 'attempt'] as const) {
      for (const field of ['deployment_id', 'at']) {
        const column = `${side}_${field}`;
        merge[column] = this.trx.raw(
          `CASE WHEN ${newer(
            side,
          )} THEN excluded.${column} ELSE ${STATE}.${column} END`,
        );
      }
    }
    for (const part of chunks([...stateRows.values()])) {
      await this.trx(STATE)
        .insert(part)
        .onConflict(['entity_ref', 'environment'])
        .merge(merge);
    }
  }
}

/** Keyset position in the deployment history: newest first by (sort_at, id). */
export interface DeploymentCursor {
  sortAt: number;
  id: string;
}

export interface ListDeploymentsOptions {
  environment?: string;
  status?: DeploymentStatus;
  limit: number;
  after?: DeploymentCursor;
}

/**
 * The release ledger in Backstage's database. Every accepted event is stored as it came and folded
 * into the read models (releases, commits, deployments, the state per environment) in the same
 * transaction, with set-based statements whose merge rules hold when batches race on PostgreSQL.
 */
export class LedgerStore {
  private readonly isPostgres: boolean;

  constructor(private readonly db: Knex) {
    this.isPostgres = String(db.client.config.client).includes('pg');
  }

  /** Stores a batch in one transaction: all of it or, on any error, none of it. */
  async ingest(
    events: LedgerEvent[],
    receivedAt: Date = new Date(),
  ): Promise<IngestResult> {
    const acceptedIds = await this.ingestReturningIds(events, receivedAt);
    return {
      accepted: acceptedIds.size,
      duplicates: events.length - acceptedIds.size,
    };
  }

  /** Like ingest, and tells which ids were new (the first occurrence of each in the batch). */
  async ingestReturningIds(
    events: LedgerEvent[],
    receivedAt: Date = new Date(),
  ): Promise<Set<string>> {
    const unique = new Map<string, LedgerEvent>();
    for (const event of events) {
      if (!unique.has(event.id)) {
        unique.set(event.id, event);
      }
    }
    const batch = [...unique.values()];
    const received = receivedAt.getTime();
    const times = new Map(
      batch.map(event => [event, occurredAt(event, received)]),
    );

    return this.db.transaction(async trx => {
      const acceptedIds = new Set<string>();
      for (const part of chunks(batch)) {
        const rows = part.map(event => ({
          id: event.id,
          entity_ref: event.entityRef,
          type: event.type,
          status: 'status' in event ? event.status : null,
          version: 'version' in event ? event.version ?? null : null,
          commit_sha: 'commitSha' in event ? event.commitSha ?? null : null,
          environment:
            'environment' in event ? event.environment ?? null : null,
          run_url: event.runUrl ?? null,
          actor: event.actor ?? null,
          source: event.source ?? null,
          occurred_at: times.get(event)!,
          received_at: received,
          payload: payloadOf(event),
        }));
        const inserted: Array<{ id: string }> = await trx(EVENTS)
          .insert(rows)
          .onConflict('id')
          .ignore()
          .returning('id');
        for (const row of inserted) {
          acceptedIds.add(row.id);
        }
      }
      const fresh = batch.filter(event => acceptedIds.has(event.id));
      if (fresh.length) {
        await new LedgerProjection(trx, times).apply(fresh);
      }
      return acceptedIds;
    });
  }

  /**
   * What runs in each environment and what was last attempted, with the release order key, commit and
   * commit position of each, in one indexed query: the matrix's hot path.
   */
  async getEnvironmentStates(
    entityRef: string,
  ): Promise<EnvironmentStateRecord[]> {
    const deploymentColumns = [
      'id',
      'entity_ref',
      'environment',
      'version',
      'commit_sha',
      'status',
      'started_at',
      'finished_at',
      'updated_at',
      'sort_at',
      'actor',
      'run_url',
      'source',
      'rollback',
    ];
    const columns = ['s.environment'];
    for (const side of ['c', 'a']) {
      columns.push(
        ...deploymentColumns.map(
          column => `${side}.${column} as ${side}_${column}`,
        ),
      );
      columns.push(
        `${side}r.version_key as ${side}_version_key`,
        `${side}r.commit_sha as ${side}_release_sha`,
        `${side}p.position as ${side}_position`,
      );
    }
    const joinSide = (
      query: Knex.QueryBuilder,
      side: 'c' | 'a',
      idColumn: string,
    ) =>
      query
        .leftJoin(`${DEPLOYMENTS} as ${side}`, `${side}.id`, idColumn)
        .leftJoin(`${RELEASES} as ${side}r`, join =>
          join
            .on(`${side}r.entity_ref`, 's.entity_ref')
            .andOn(`${side}r.version`, `${side}.version`),
        )
        .leftJoin(`${COMMITS} as ${side}p`, join =>
          join
            .on(`${side}p.entity_ref`, 's.entity_ref')
            .andOn(
              `${side}p.sha`,
              this.db.raw(`COALESCE(${side}.commit_sha, ${side}r.commit_sha)`),
            ),
        );
    const query = this.db(`${STATE} as s`)
      .where('s.entity_ref', entityRef)
      .select(columns);
    joinSide(query, 'c', 's.current_deployment_id');
    joinSide(query, 'a', 's.attempt_deployment_id');
    if (this.isPostgres) {
      // A named statement is planned once per connection: planning this join costs more than running it.
      query.options({ name: 'shiplog_environment_states_v1' });
    }
    const rows: Array<Record<string, unknown>> = await query;
    const side = (
      row: Record<string, unknown>,
      prefix: 'c' | 'a',
    ): EnvironmentStateRecord['current'] => {
      if (row[`${prefix}_id`] === null || row[`${prefix}_id`] === undefined)
        return undefined;
      const deployment = deploymentFromRow(
        Object.fromEntries(
          deploymentColumns.map(column => [column, row[`${prefix}_${column}`]]),
        ) as unknown as DeploymentRow,
      );
      return {
        ...deployment,
        versionKey: orUndefined(row[`${prefix}_version_key`] as string | null),
        resolvedCommitSha:
          deployment.commitSha ??
          orUndefined(row[`${prefix}_release_sha`] as string | null),
        commitPosition: toNumber(row[`${prefix}_position`]),
      };
    };
    return rows.map(row => ({
      environment: String(row.environment),
      current: side(row, 'c'),
      attempt: side(row, 'a'),
    }));
  }

  async getReleases(
    entityRef: string,
    versions: string[],
  ): Promise<ReleaseRecord[]> {
    if (!versions.length) {
      return [];
    }
    const rows: ReleaseRow[] = await this.db(RELEASES)
      .where({ entity_ref: entityRef })
      .whereIn('version', versions);
    return rows.map(releaseFromRow);
  }

  /** Releases newest first, after the given version key when paginating. */
  async listReleases(
    entityRef: string,
    options: { limit: number; beforeKey?: string },
  ): Promise<ReleaseRecord[]> {
    const query = this.db<ReleaseRow>(RELEASES)
      .where({ entity_ref: entityRef })
      .orderBy('version_key', 'desc')
      .limit(options.limit);
    if (options.beforeKey !== undefined) {
      query.where('version_key', '<', options.beforeKey);
    }
    const rows: ReleaseRow[] = await query;
    return rows.map(releaseFromRow);
  }

  /** Releases with a key in (fromKey, toKey], oldest first. */
  async listReleasesBetween(
    entityRef: string,
    fromKey: string,
    toKey: string,
  ): Promise<ReleaseRecord[]> {
    const rows: ReleaseRow[] = await this.db(RELEASES)
      .where({ entity_ref: entityRef })
      .where('version_key', '>', fromKey)
      .where('version_key', '<=', toKey)
      .orderBy('version_key', 'asc')
      .limit(10_000);
    return rows.map(releaseFromRow);
  }

  async countReleasesBetween(
    entityRef: string,
    fromKey: string,
    toKey: string,
  ): Promise<number> {
    const [row] = await this.db(RELEASES)
      .where({ entity_ref: entityRef })
      .where('version_key', '>', fromKey)
      .where('version_key', '<=', toKey)
      .count({ count: '*' });
    return Number(row.count);
  }

  async getCommitPositions(
    entityRef: string,
    shas: string[],
  ): Promise<Map<string, number>> {
    const positions = new Map<string, number>();
    if (!shas.length) {
      return positions;
    }
    const rows: Array<{ sha: string; position: number }> = await this.db(
      COMMITS,
    )
      .where({ entity_ref: entityRef })
      .whereIn('sha', shas)
      .select('sha', 'position');
    for (const row of rows) {
      positions.set(row.sha, Number(row.position));
    }
    return positions;
  }

  /** Counts commits with a position in (after, upTo]; `upTo` undefined means no upper bound. */
  async countCommitsBetween(
    entityRef: string,
    after: number,
    upTo?: number,
  ): Promise<number> {
    const query = this.db(COMMITS)
      .where({ entity_ref: entityRef })
      .where('position', '>', after);
    if (upTo !== undefined) {
      query.where('position', '<=', upTo);
    }
    const [row] = await query.count({ count: '*' });
    return Number(row.count);
  }

  /** Commits with a position in (after, upTo], newest first, with their pull requests (one query). */
  async listCommitsBetween(
    entityRef: string,
    after: number,
    upTo: number | undefined,
    limit: number,
  ): Promise<CommitRecord[]> {
    const query = this.db(`${COMMITS} as c`)
      .leftJoin(`${PULL_REQUESTS} as p`, join =>
        join
          .on('p.entity_ref', 'c.entity_ref')
          .andOn('p.number', 'c.pr_number'),
      )
      .where('c.entity_ref', entityRef)
      .where('c.position', '>', after)
      .orderBy('c.position', 'desc')
      .limit(limit)
      .select(
        'c.sha',
        'c.position',
        'c.message',
        'c.author',
        'c.pr_number',
        'p.title as pr_title',
        'p.labels as pr_labels',
        'p.url as pr_url',
      );
    if (upTo !== undefined) {
      query.where('c.position', '<=', upTo);
    }
    const rows: Array<{
      sha: string;
      position: number;
      message: string | null;
      author: string | null;
      pr_number: number | null;
      pr_title: string | null;
      pr_labels: string | null;
      pr_url: string | null;
    }> = await query;
    return rows.map(row => ({
      sha: row.sha,
      position: Number(row.position),
      message: orUndefined(row.message),
      author: orUndefined(row.author),
      pullRequest:
        row.pr_number === null
          ? undefined
          : {
              number: Number(row.pr_number),
              title: orUndefined(row.pr_title),
              labels: row.pr_labels ? JSON.parse(row.pr_labels) : [],
              url: orUndefined(row.pr_url),
            },
    }));
  }

  async listDeployments(
    entityRef: string,
    options: ListDeploymentsOptions,
  ): Promise<DeploymentRecord[]> {
    const query = this.db<DeploymentRow>(DEPLOYMENTS)
      .where({ entity_ref: entityRef })
      .orderBy([
        { column: 'sort_at', order: 'desc' },
        { column: 'id', order: 'desc' },
      ])
      .limit(options.limit);
    if (options.environment) {
      query.where({ environment: options.environment });
    }
    if (options.status) {
      query.where({ status: options.status });
    }
    if (options.after) {
      const { sortAt, id } = options.after;
      query.where(q =>
        q
          .where('sort_at', '<', sortAt)
          .orWhere(q2 => q2.where('sort_at', '=', sortAt).where('id', '<', id)),
      );
    }
    const rows: DeploymentRow[] = await query;
    return rows.map(deploymentFromRow);
  }

  /** The latest deployment of each of the given versions in each environment. */
  async latestDeploymentsOfVersions(
    entityRef: string,
    versions: string[],
  ): Promise<DeploymentRecord[]> {
    if (!versions.length) {
      return [];
    }
    const rows: DeploymentRow[] = await this.db(DEPLOYMENTS)
      .where({ entity_ref: entityRef })
      .whereIn('version', versions)
      .orderBy([
        { column: 'sort_at', order: 'asc' },
        { column: 'id', order: 'asc' },
      ]);
    const latest = new Map<string, DeploymentRecord>();
    for (const row of rows) {
      latest.set(
        `${row.version}\u0000${row.environment}`,
        deploymentFromRow(row),
      );
    }
    return [...latest.values()];
  }
}
