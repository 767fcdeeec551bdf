import { AuditorService, LoggerService } from '@backstage/backend-plugin-api';
import { Entity } from '@backstage/catalog-model';
import { ConflictError, InputError } from '@backstage/errors';
import {
  CommitSummary,
  EnvironmentConfig,
  groupCommitsByType,
  Page,
  Promotion,
  PromotionChange,
  PromotionPreview,
  PromotionRequest,
  PromotionState,
  PullRequestSummary,
  SHIPLOG_ANNOTATIONS,
} from '@shiplog/plugin-shiplog-common';
import {
  PromotionExecutor,
  resolveValuesPath,
  YamlEditError,
} from '@shiplog/plugin-shiplog-node';
import { randomUUID } from 'node:crypto';
import { LedgerStore } from '../database/LedgerStore';
import { ReleaseRecord } from '../database/types';
import {
  decodeCursor,
  encodeCursor,
  LedgerService,
} from '../ledger/LedgerService';
import { PromotionExecutionError, PromotionRefusedError } from './errors';
import { evaluateGuards, isOlderThanRunning } from './guards';
import {
  PromotionPatch,
  PromotionRecord,
  PromotionStore,
} from './PromotionStore';
import { PromotionsConfig } from './readPromotionsConfig';

const CHANGELOG_COMMITS = 500;
/** A promotion still `requested` after this was interrupted before its change was made. */
const STALE_REQUEST_MS = 10 * 60 * 1000;
/** Auto-promotion looks at successful deployments received and made this recently. */
const AUTO_PROMOTION_WINDOW_MS = 60 * 60 * 1000;

/** Who auto-promotions are requested by. */
export const AUTO_PROMOTION_ACTOR = 'shiplog';

/** What a promotion would do, before any of it is done. */
interface PromotionPlan {
  entityRef: string;
  environment: string;
  version: string;
  fromVersion?: string;
  release?: ReleaseRecord;
  guards: PromotionPreview['guards'];
  change?: PromotionChange;
  changeProblem?: string;
  executor?: PromotionExecutor;
  changelog: PromotionPreview['changelog'];
  /** `rollback: true` for a version older than what runs; otherwise a forward promotion, whatever was asked. */
  rollback: boolean;
}

export interface PromotionServiceOptions {
  store: PromotionStore;
  ledgerStore: LedgerStore;
  ledger: LedgerService;
  executors: PromotionExecutor[];
  config: PromotionsConfig;
  logger: LoggerService;
  auditor: AuditorService;
  /** Loads an entity with Shiplog's own credentials, for auto-promotions. */
  loadEntity(entityRef: string): Promise<Entity | undefined>;
}

export interface CreatePromotionInput {
  entity: Entity;
  entityRef: string;
  request: PromotionRequest;
  requestedBy: string;
  automatic?: boolean;
  triggerEventId?: string;
  /** The HTTP request, for the audit log. */
  httpRequest?: Parameters<AuditorService['createEvent']>[0]['request'];
}

const publicPromotion = ({ checkedAt, ...promotion }: PromotionRecord) =>
  promotion as Promotion;

function uniquePullRequests(commits: CommitSummary[]): PullRequestSummary[] {
  const seen = new Map<number, PullRequestSummary>();
  for (const commit of commits) {
    const pr = commit.pullRequest;
    if (pr && !seen.has(pr.number)) seen.set(pr.number, pr);
  }
  return [...seen.values()];
}

/**
 * Promotions: plans them (guards, changelog, the GitOps change), makes the change through an
 * executor, and follows it until Argo CD (or CI) reports the deployment. Every step is kept in the
 * promotions table and recorded in the ledger as a `promotion` event.
 */
export class PromotionService {
  constructor(private readonly options: PromotionServiceOptions) {}

  private policyOf(
    environments: EnvironmentConfig[],
    environment: string,
  ): EnvironmentConfig {
    return (
      environments.find(env => env.name === environment) ?? {
        name: environment,
        autoPromote: false,
        requiresApproval: false,
        sync: 'automatic',
        change: 'pull-request',
      }
    );
  }

  private async plan(
    entity: Entity,
    entityRef: string,
    request: PromotionRequest,
    automatic: boolean,
  ): Promise<PromotionPlan> {
    const { ledgerStore, ledger, config } = this.options;
    const { environment, version } = request;
    const environments = ledger.environmentsOf(entity);
    const index = environments.findIndex(env => env.name === environment);
    if (environments.length && index < 0) {
      throw new InputError(
        `environment: "${environment}" is not one of ${entityRef}'s environments (${environments
          .map(env => env.name)
          .join(', ')})`,
      );
    }
    const previousEnvironment =
      index > 0 ? environments[index - 1].name : undefined;
    const [states, [release]] = await Promise.all([
      ledgerStore.getEnvironmentStates(entityRef),
      ledgerStore.getReleases(entityRef, [version]),
    ]);
    const running = states.find(s => s.environment === environment)?.current;
    const [succeededInPrevious, succeededInTarget, predecessor, changelog] =
      await Promise.all([
        previousEnvironment
          ? ledgerStore.hasSucceededIn(entityRef, previousEnvironment, version)
          : false,
        ledgerStore.hasSucceededIn(entityRef, environment, version),
        release
          ? ledgerStore
              .listReleases(entityRef, {
                limit: 1,
                beforeKey: release.versionKey,
              })
              .then(([r]) => r)
          : undefined,
        this.changelog(entityRef, running, release),
      ]);
    const guardContext = {
      component: entity.metadata.name,
      environment,
      version,
      rollback: request.rollback,
      reason: request.reason,
      automatic,
      release,
      running: running && {
        version: running.version,
        versionKey: running.versionKey,
      },
      previousEnvironment,
      ordered: environments.length > 0,
      requirePreviousEnvironment: config.requirePreviousEnvironment,
      succeededInPrevious,
      succeededInTarget,
      commits: changelog.commits,
      predecessor,
    };
    const guards = evaluateGuards(guardContext);
    const policy = this.policyOf(environments, environment);
    return {
      entityRef,
      environment,
      version,
      fromVersion: running?.version,
      release,
      guards,
      changelog,
      rollback: Boolean(request.rollback) && isOlderThanRunning(guardContext),
      ...this.planChange(entity, environment, policy),
    };
  }

  /** Commits and releases between what runs and the target, in either direction (a rollback removes them). */
  private async changelog(
    entityRef: string,
    running: { resolvedCommitSha?: string; versionKey?: string } | undefined,
    target: ReleaseRecord | undefined,
  ): Promise<PromotionPlan['changelog']> {
    const { ledgerStore } = this.options;
    const empty = { commits: [], pullRequests: [], groups: [], releases: [] };
    if (!target) return empty;
    const keys = [running?.versionKey ?? '', target.versionKey].sort();
    const runningSha = running?.resolvedCommitSha;
    const [releases, positions] = await Promise.all([
      keys[0] === keys[1]
        ? []
        : ledgerStore.listReleasesBetween(entityRef, keys[0], keys[1]),
      ledgerStore.getCommitPositions(
        entityRef,
        [runningSha, target.commitSha].filter((s): s is string => Boolean(s)),
      ),
    ]);
    const to = target.commitSha ? positions.get(target.commitSha) : undefined;
    const from = runningSha ? positions.get(runningSha) : 0;
    let commits: CommitSummary[] = [];
    if (to !== undefined && from !== undefined && to !== from) {
      const [low, high] = from < to ? [from, to] : [to, from];
      commits = (
        await ledgerStore.listCommitsBetween(
          entityRef,
          low,
          high,
          CHANGELOG_COMMITS,
        )
      ).map(({ position, ...commit }) => commit);
    }
    return {
      commits,
      pullRequests: uniquePullRequests(commits),
      groups: groupCommitsByType(commits),
      // Oldest first, the last 100 at most (a first deployment would otherwise list all history).
      releases: releases.slice(-100).map(r => r.version),
    };
  }

  /** The change a promotion makes, from the entity's annotations and the environment's policy. */
  private planChange(
    entity: Entity,
    environment: string,
    policy: EnvironmentConfig,
  ): Pick<PromotionPlan, 'change' | 'changeProblem' | 'executor'> {
    const annotations = entity.metadata.annotations ?? {};
    const name = entity.metadata.name;
    const repository = annotations[SHIPLOG_ANNOTATIONS.gitopsRepo]?.trim();
    const template = annotations[SHIPLOG_ANNOTATIONS.valuesPath]?.trim();
    if (!repository) {
      return {
        changeProblem: `${name} has no ${SHIPLOG_ANNOTATIONS.gitopsRepo} annotation: add it with the GitOps repository's Git URL (e.g. https://github.com/acme/gitops)`,
      };
    }
    if (!template) {
      return {
        changeProblem: `${name} has no ${SHIPLOG_ANNOTATIONS.valuesPath} annotation: add it with the values file per environment (e.g. charts/${name}/values-{{environment}}.yaml)`,
      };
    }
    let path: string;
    try {
      path = resolveValuesPath(template, { environment, component: name });
    } catch (error) {
      return {
        changeProblem: `${SHIPLOG_ANNOTATIONS.valuesPath}: ${
          (error as Error).message
        }`,
      };
    }
    const executor = this.options.executors.find(e => e.supports(repository));
    if (!executor) {
      return {
        changeProblem: `no promotion executor handles ${SHIPLOG_ANNOTATIONS.gitopsRepo} "${repository}"; use a Git URL (https://, ssh://, git://, file://)`,
      };
    }
    // An environment that requires approval gets a pull request wherever the host can make one.
    let kind: PromotionChange['kind'] = policy.requiresApproval
      ? 'pull-request'
      : policy.change;
    if (!executor.changeKinds.includes(kind)) kind = executor.changeKinds[0];
    return {
      executor,
      change: {
        executor: executor.id,
        kind,
        repository,
        path,
        keyPath:
          annotations[SHIPLOG_ANNOTATIONS.imageTagPath]?.trim() || 'image.tag',
        autoMerge:
          kind === 'pull-request' &&
          this.options.config.autoMerge &&
          !policy.requiresApproval,
      },
    };
  }

  /** What a promotion would do, and what stands in its way. Changes nothing. */
  async preview(
    entity: Entity,
    entityRef: string,
    request: PromotionRequest,
    allowed: boolean,
  ): Promise<PromotionPreview> {
    const [plan, inFlight] = await Promise.all([
      this.plan(entity, entityRef, request, false),
      this.options.store.findInFlight(entityRef, request.environment),
    ]);
    return {
      entityRef,
      environment: plan.environment,
      version: plan.version,
      fromVersion: plan.fromVersion,
      guards: plan.guards,
      allowed,
      canProceed:
        allowed &&
        !inFlight &&
        !plan.changeProblem &&
        plan.guards.every(g => g.outcome !== 'refuse'),
      inFlight: inFlight && {
        id: inFlight.id,
        version: inFlight.version,
        state: inFlight.state,
      },
      change: plan.change,
      changeProblem: plan.changeProblem,
      changelog: plan.changelog,
    };
  }

  /**
   * Runs a promotion: guards, the lock, the GitOps change. Refusals are recorded and thrown as
   * PromotionRefusedError (422); a promotion in flight as a ConflictError (409).
   */
  async create(input: CreatePromotionInput): Promise<Promotion> {
    const { entity, entityRef, request } = input;
    const automatic = input.automatic ?? false;
    const audit = await this.options.auditor.createEvent({
      eventId: 'promotion-create',
      severityLevel: this.isLastEnvironment(entity, request.environment)
        ? 'high'
        : 'medium',
      request: input.httpRequest,
      meta: {
        entityRef,
        environment: request.environment,
        version: request.version,
        rollback: request.rollback,
        reason: request.reason ?? null,
        automatic,
        requestedBy: input.requestedBy,
      },
    });
    try {
      const promotion = await this.run(input, automatic);
      await audit.success({
        meta: { promotionId: promotion.id, state: promotion.state },
      });
      return promotion;
    } catch (error) {
      await audit.fail({ error: error as Error });
      throw error;
    }
  }

  private isLastEnvironment(entity: Entity, environment: string): boolean {
    const environments = this.options.ledger.environmentsOf(entity);
    return environments[environments.length - 1]?.name === environment;
  }

  private async run(
    input: CreatePromotionInput,
    automatic: boolean,
  ): Promise<Promotion> {
    const { store } = this.options;
    const { entity, entityRef, request } = input;
    const plan = await this.plan(entity, entityRef, request, automatic);
    const base = {
      id: randomUUID(),
      entityRef,
      environment: request.environment,
      version: request.version,
      fromVersion: plan.fromVersion,
      reason: request.reason,
      rollback: plan.rollback,
      automatic,
      requestedBy: input.requestedBy,
      guards: plan.guards,
      triggerEventId: input.triggerEventId,
      change: plan.change,
    };
    const refusals = plan.guards.filter(g => g.outcome === 'refuse');
    if (refusals.length || plan.changeProblem) {
      const error = plan.changeProblem
        ? new PromotionRefusedError(`Promotion refused: ${plan.changeProblem}`)
        : PromotionRefusedError.fromGuards(refusals);
      const refused = await store.createRefused(base, error.message);
      if (refused) await this.record(refused);
      throw error;
    }

    const created = await store.create(base);
    await this.record(created);
    const executor = plan.executor!;
    const change = plan.change!;
    const component = entity.metadata.name;
    try {
      const result = await executor.apply({
        promotionId: created.id,
        entityRef,
        environment: request.environment,
        version: request.version,
        repository: change.repository,
        path: change.path,
        keyPath: change.keyPath,
        kind: change.kind,
        autoMerge: change.autoMerge ?? false,
        title: `${plan.rollback ? 'Roll back' : 'Promote'} ${component} ${
          request.version
        } to ${request.environment}`,
        body: this.describe(created, plan),
        labels: [
          ...this.options.config.labels,
          `promote-to-${request.environment}`,
          ...(plan.rollback ? ['rollback'] : []),
        ],
        branch: `shiplog/promote-${component}-${
          request.environment
        }-${created.id.slice(0, 8)}`,
      });
      const moved = await this.advance(
        created,
        result.state === 'merged' ? 'merged' : 'change_opened',
        {
          change: {
            ...change,
            kind: result.kind,
            previousValue: result.previousValue,
            url: result.url,
            number: result.number,
            branch: result.branch,
            commitSha: result.commitSha,
          },
        },
      );
      return publicPromotion(moved ?? created);
    } catch (error) {
      throw await this.executionFailed(created, error as Error);
    }
  }

  /** Ends a promotion whose change could not be made, and says why in the error's HTTP terms. */
  private async executionFailed(
    promotion: PromotionRecord,
    error: Error,
  ): Promise<Error> {
    const message = error.message;
    if (error instanceof YamlEditError || error.name === 'InputError') {
      await this.advance(promotion, 'refused', {
        error: `the values file was refused: ${message}`,
      });
      return new PromotionRefusedError(
        `Promotion refused: ${
          promotion.change?.path ?? 'the values file'
        }: ${message}`,
      );
    }
    await this.advance(promotion, 'failed', { error: message });
    if (error.name === 'ConflictError') return new ConflictError(message);
    this.options.logger.warn(
      `Promotion ${promotion.id} of ${promotion.entityRef} to ${promotion.environment} failed: ${message}`,
    );
    return new PromotionExecutionError(
      `the GitOps change could not be made: ${message}`,
    );
  }

  /** The pull request's body and the commit message's: who, why, and the changelog by type. */
  private describe(promotion: PromotionRecord, plan: PromotionPlan): string {
    const lines = [
      `${promotion.rollback ? 'Rollback' : 'Promotion'} of \`${
        promotion.entityRef
      }\` from ${plan.fromVersion ?? 'nothing'} to **${
        promotion.version
      }** in **${promotion.environment}**, requested by ${
        promotion.requestedBy
      }${
        promotion.automatic ? ' (auto-promotion)' : ''
      } through Shiplog (promotion ${promotion.id}).`,
    ];
    if (promotion.reason) lines.push('', `Reason: ${promotion.reason}`);
    const warnings = plan.guards.filter(g => g.outcome === 'warn');
    if (warnings.length) {
      lines.push('', '### Warnings');
      for (const w of warnings) lines.push(`- **${w.guard}**: ${w.message}`);
    }
    if (plan.changelog.groups.length) {
      lines.push(
        '',
        `### ${promotion.rollback ? 'Changes rolled back' : 'Changelog'}`,
      );
      for (const group of plan.changelog.groups) {
        lines.push('', `#### ${group.title}`);
        for (const commit of group.commits) {
          const subject = (commit.message ?? commit.sha).split('\n', 1)[0];
          const pr = commit.pullRequest;
          lines.push(
            `- ${subject}${
              pr && !subject.includes(`#${pr.number}`) ? ` (#${pr.number})` : ''
            } (${commit.sha.slice(0, 7)})`,
          );
        }
      }
    }
    return lines.join('\n');
  }

  /** Moves a promotion and records the step in the ledger. */
  private async advance(
    promotion: PromotionRecord,
    to: PromotionState,
    patch: PromotionPatch = {},
  ): Promise<PromotionRecord | undefined> {
    const moved = await this.options.store.transition(
      promotion.id,
      [promotion.state],
      to,
      patch,
    );
    if (moved && to !== promotion.state) await this.record(moved);
    return moved;
  }

  /** The ledger's `promotion` event for the state a promotion just reached. */
  private async record(promotion: PromotionRecord): Promise<void> {
    const url = promotion.change?.url;
    await this.options.ledgerStore.ingest([
      {
        id: `shiplog-promotion:${promotion.id}:${promotion.state}`,
        entityRef: promotion.entityRef,
        type: 'promotion',
        status: promotion.state,
        version: promotion.version,
        environment: promotion.environment,
        promotionId: promotion.id,
        fromVersion: promotion.fromVersion,
        reason: promotion.reason,
        rollback: promotion.rollback,
        automatic: promotion.automatic,
        change: promotion.change && {
          kind: promotion.change.kind,
          url,
          commitSha: promotion.change.commitSha,
        },
        error: promotion.error,
        actor: promotion.requestedBy,
        source: 'shiplog',
        runUrl: url && /^https?:\/\//.test(url) ? url : undefined,
      },
    ]);
  }

  async list(
    entityRef: string,
    query: {
      environment?: string;
      state?: PromotionState;
      limit: number;
      cursor?: string;
    },
  ): Promise<Page<Promotion>> {
    const after = query.cursor
      ? decodeCursor(query.cursor, (v): v is { r: number; i: string } => {
          const c = v as { r: unknown; i: unknown };
          return (
            typeof v === 'object' &&
            v !== null &&
            Number.isSafeInteger(c.r) &&
            typeof c.i === 'string'
          );
        })
      : undefined;
    const records = await this.options.store.list(entityRef, {
      environment: query.environment,
      state: query.state,
      limit: query.limit + 1,
      after: after && { requestedAt: after.r, id: after.i },
    });
    const page = records.slice(0, query.limit);
    const last = page[page.length - 1];
    return {
      items: page.map(publicPromotion),
      nextCursor:
        records.length > query.limit && last
          ? encodeCursor({ r: Date.parse(last.requestedAt), i: last.id })
          : undefined,
    };
  }

  /**
   * Advances every promotion in flight: an open pull request from the host, a merged change from the
   * ledger's deploy events (Argo CD's syncs, or CI's deploys). Safe on any replica, any number of
   * times: each move is a compare-and-set.
   */
  async track(now = Date.now()): Promise<void> {
    for (const promotion of await this.options.store.listInFlight()) {
      try {
        await this.trackOne(promotion, now);
      } catch (error) {
        this.options.logger.warn(
          `Tracking promotion ${promotion.id} failed: ${
            (error as Error).message
          }`,
        );
      }
    }
  }

  private async trackOne(promotion: PromotionRecord, now: number) {
    const requestedAt = Date.parse(promotion.requestedAt);
    switch (promotion.state) {
      case 'requested':
        if (now - requestedAt > STALE_REQUEST_MS) {
          await this.advance(promotion, 'failed', {
            error:
              'interrupted before its GitOps change was made (the backend stopped); promote again',
          });
        }
        return;
      case 'change_opened':
        await this.checkPullRequest(promotion, now);
        return;
      default:
        await this.checkDeployment(promotion, now);
    }
  }

  private async checkPullRequest(promotion: PromotionRecord, now: number) {
    const change = promotion.change;
    if (
      !change ||
      (promotion.checkedAt !== undefined &&
        now - promotion.checkedAt < this.options.config.pullRequestPollMs)
    ) {
      return;
    }
    const executor = this.options.executors.find(e => e.id === change.executor);
    if (!executor?.getChangeStatus) {
      await this.advance(promotion, 'failed', {
        error: `no executor "${change.executor}" can follow the pull request`,
      });
      return;
    }
    // Still open (or unreadable for now): only the time of this check moves.
    const markChecked = () =>
      this.options.store.transition(
        promotion.id,
        ['change_opened'],
        'change_opened',
        { checkedAt: now },
      );
    const status = await executor
      .getChangeStatus({
        repository: change.repository,
        number: change.number,
        branch: change.branch,
      })
      .catch(async error => {
        // A status that cannot be read for as long as a deployment may take (repository renamed, token
        // revoked) ends the promotion, so the environment's lock is not held for ever.
        const openedAt = Date.parse(
          promotion.timeline.find(t => t.state === 'change_opened')?.at ??
            promotion.requestedAt,
        );
        if (now - openedAt > this.options.config.deployTimeoutMs) {
          await this.advance(promotion, 'failed', {
            checkedAt: now,
            error: `the pull request's state could not be read for ${Math.round(
              this.options.config.deployTimeoutMs / 60_000,
            )} minutes: ${error instanceof Error ? error.message : error}`,
          });
        } else {
          await markChecked();
        }
        throw error;
      });
    if (status.state === 'merged') {
      await this.advance(promotion, 'merged', {
        checkedAt: now,
        change: { ...change, commitSha: status.commitSha ?? change.commitSha },
      });
    } else if (status.state === 'closed') {
      await this.advance(promotion, 'failed', {
        checkedAt: now,
        error: `the pull request ${
          change.url ?? `#${change.number}`
        } was closed without merging`,
      });
    } else {
      await markChecked();
    }
  }

  private async checkDeployment(promotion: PromotionRecord, now: number) {
    const events = await this.options.ledgerStore.deployEventsSince(
      {
        entityRef: promotion.entityRef,
        environment: promotion.environment,
        version: promotion.version,
      },
      Date.parse(promotion.requestedAt),
    );
    // A withdrawn manual sync (Argo refused it) is not the deployment's outcome: Git still holds the change.
    const relevant = events.filter(e => e.status !== 'cancelled');
    const terminal = relevant.filter(e => e.status !== 'started').pop();
    const first = relevant[0];
    let current: PromotionRecord | undefined = promotion;
    if (first && current.state === 'merged') {
      current = await this.advance(current, 'synced', {
        deployment: {
          status: 'in_progress',
          at: new Date(first.occurredAt).toISOString(),
          runUrl: first.runUrl,
        },
      });
    }
    if (terminal && current) {
      const deployment = {
        status: terminal.status,
        at: new Date(terminal.occurredAt).toISOString(),
        runUrl: terminal.runUrl ?? first?.runUrl,
      };
      if (terminal.status === 'succeeded') {
        await this.advance(current, 'deployed', { deployment });
      } else {
        await this.advance(current, 'failed', {
          deployment,
          error: `the deployment of ${promotion.version} to ${promotion.environment} ${terminal.status}`,
        });
      }
      return;
    }
    const mergedAt = Date.parse(
      promotion.timeline.find(t => t.state === 'merged')?.at ??
        promotion.requestedAt,
    );
    // Started but never finished (health stuck Progressing, a sync nobody made) must not hold the
    // environment's lock for ever either.
    if (current && now - mergedAt > this.options.config.deployTimeoutMs) {
      await this.advance(current, 'failed', {
        error: `no ${first ? 'finished ' : ''}deployment of ${
          promotion.version
        } to ${promotion.environment} was reported within ${Math.round(
          this.options.config.deployTimeoutMs / 60_000,
        )} minutes of the merge; check Argo CD`,
      });
    }
  }

  /** Auto-promotion's place in the ledger (received time), and what it already looked at, per replica. */
  private autoCursor = 0;
  private readonly autoConsidered = new Map<string, number>();

  /**
   * Auto-promotion: a release that just deployed successfully to an environment whose next one
   * auto-promotes is promoted there, through every guard (labels included). Each triggering deploy
   * event triggers at most one attempt, whichever replica runs this.
   */
  async autoPromote(now = Date.now()): Promise<void> {
    const { store, ledger, ledgerStore, logger } = this.options;
    const windowStart = now - AUTO_PROMOTION_WINDOW_MS;
    for (const [id, at] of this.autoConsidered) {
      if (at < windowStart) this.autoConsidered.delete(id);
    }
    // Each tick reads only what arrived since the last one (a cursor), so a busy hour is neither re-read
    // every few seconds nor stuck behind the first page of it.
    const events = await ledgerStore.recentDeploySuccesses(
      Math.max(windowStart, this.autoCursor),
      windowStart,
    );
    const triggered = await store.triggeredEventIds(events.map(e => e.id));
    let firstFailure: number | undefined;
    for (const event of events) {
      if (
        triggered.has(event.id) ||
        !event.version ||
        this.autoConsidered.has(event.id)
      ) {
        continue;
      }
      try {
        this.autoConsidered.set(event.id, event.receivedAt);
        const entity = await this.options.loadEntity(event.entityRef);
        if (!entity) continue;
        const environments = ledger.environmentsOf(entity);
        const index = environments.findIndex(e => e.name === event.environment);
        const next = index >= 0 ? environments[index + 1] : undefined;
        if (!next?.autoPromote) continue;
        const states = await ledgerStore.getEnvironmentStates(event.entityRef);
        const runningHere = states.find(
          s => s.environment === event.environment,
        )?.current?.version;
        const runningNext = states.find(s => s.environment === next.name)
          ?.current?.version;
        // Only what still runs here goes on, and only where it does not run yet.
        if (runningHere !== event.version || runningNext === event.version) {
          continue;
        }
        await this.create({
          entity,
          entityRef: event.entityRef,
          request: {
            version: event.version,
            environment: next.name,
            rollback: false,
            dryRun: false,
            reason: `auto-promotion: deployed successfully to ${event.environment}`,
          },
          requestedBy: AUTO_PROMOTION_ACTOR,
          automatic: true,
          triggerEventId: event.id,
        }).catch(async error => {
          if (
            error.name === 'ConflictError' &&
            !(await store.triggeredEventIds([event.id])).size
          ) {
            // Another promotion is in flight there: record the attempt so it is visible and not repeated.
            await store.createRefused(
              {
                id: randomUUID(),
                entityRef: event.entityRef,
                environment: next.name,
                version: event.version!,
                rollback: false,
                automatic: true,
                requestedBy: AUTO_PROMOTION_ACTOR,
                guards: [],
                triggerEventId: event.id,
              },
              error.message,
            );
          }
          logger.info(
            `Auto-promotion of ${event.entityRef} ${event.version} to ${next.name} did not proceed: ${error.message}`,
          );
        });
      } catch (error) {
        // Unexpected (catalog or database down): the cursor stays before it, so the next tick retries.
        this.autoConsidered.delete(event.id);
        firstFailure ??= event.receivedAt;
        logger.warn(
          `Auto-promotion after ${event.id} failed: ${
            (error as Error).message
          }`,
        );
      }
    }
    const last = events[events.length - 1];
    if (last) {
      this.autoCursor = Math.max(
        this.autoCursor,
        firstFailure ?? last.receivedAt,
      );
    }
  }
}
