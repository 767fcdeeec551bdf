import type {
  ArgoHistoryEntry as HistoryEntry,
  ArgoOperationState as OperationState,
} from '@shiplog/plugin-shiplog-node';
import { GitRepository } from './gitRepo';

/** One simulated Argo CD: which environments' applications it manages and how clients log in. */
export interface SimulatedInstance {
  name: string;
  /** Environments whose applications this instance manages; all when omitted. */
  environments?: string[];
  /** A static API token (an Argo CD account token). */
  token?: string;
  /** Local user for `POST /api/v1/session`. */
  username?: string;
  password?: string;
  /** Added before every response, to measure what a slow instance costs. */
  latencyMs?: number;
  /** How long a session token lives. */
  sessionTtlMs?: number;
}

export interface SimulatorOptions {
  repository: GitRepository;
  /** The repository URL applications declare as their source. */
  repoUrl: string;
  instances: SimulatedInstance[];
  /** Environments synced by hand, like production in the seeds' practice. */
  manualEnvironments?: string[];
  /** Components deployed as multi-source apps: a Helm chart from a chart repository plus values from Git. */
  multiSourceComponents?: string[];
  /** How long a sync stays Progressing. */
  progressMs?: number;
  /** How often the repository is checked for new commits; 0 to only check on `refresh()`. */
  pollMs?: number;
  /** Values files are `charts/<component>/values-<environment>.yaml`. */
  valuesPattern?: RegExp;
  /** A version whose pods never become ready, to show a failed sync. */
  failingTag?: RegExp;
}

/** What the simulator knows of one application: declared and live state, the running operation. */
export interface AppState {
  component: string;
  environment: string;
  uid: string;
  createdAt: string;
  generation: number;
  image: string;
  declaredTag: string;
  liveTag: string;
  liveRevision: string;
  syncStatus: 'Synced' | 'OutOfSync';
  health: string;
  healthMessage?: string;
  operationState?: OperationState;
  history: HistoryEntry[];
  reconciledAt: string;
  timer?: NodeJS.Timeout;
}

/** The chart version and repository of multi-source applications. */
export const CHART_VERSION = '1.4.0';
export const CHART_REPO = 'https://charts.acme.example/helm';

export function nameOf(app: AppState): string {
  return `${app.component}-${app.environment}`;
}

/** Environments synced only by hand (production, unless configured). */
export function isManual(options: SimulatorOptions, app: AppState): boolean {
  return (options.manualEnvironments ?? ['prod']).includes(app.environment);
}

export function isMultiSource(
  options: SimulatorOptions,
  app: AppState,
): boolean {
  return (options.multiSourceComponents ?? []).includes(app.component);
}

/** A revision as Argo CD reports it: one, or the chart's and the values' for a multi-source app. */
export function revisions(
  options: SimulatorOptions,
  app: AppState,
  revision: string,
): { revision?: string; revisions?: string[] } {
  return isMultiSource(options, app)
    ? { revisions: [CHART_VERSION, revision] }
    : { revision };
}

/** Whether an instance manages the applications of an environment. */
export function manages(
  instance: SimulatedInstance,
  environment: string,
): boolean {
  return !instance.environments || instance.environments.includes(environment);
}
