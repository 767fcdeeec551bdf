export { OrgDeploymentsCard } from './OrgDeploymentsCard';
