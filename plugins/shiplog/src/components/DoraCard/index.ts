export { DoraCard } from './DoraCard';
export { doraLevels, DORA_REPORT } from './doraPerformance';
export type { DoraLevel } from './doraPerformance';
