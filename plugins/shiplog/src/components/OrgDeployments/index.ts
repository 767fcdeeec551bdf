export { OrgDeploymentsContent } from './OrgDeploymentsContent';
export { RollupTable } from './RollupTable';
export {
  rollupRows,
  rollupSummary,
  releasesBehind,
  isDrifting,
} from './rollupRows';
export type { RollupFilter, RollupSort } from './rollupRows';
