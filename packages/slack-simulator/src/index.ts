export { SlackSimulator } from './server';
export type { RateLimitRule, SlackSimulatorOptions } from './server';
export { SlackWorkspace, SlackApiError } from './workspace';
export type { SlackChannel, SlackMessage } from './workspace';
