export { DeploymentHistory } from './DeploymentHistory';
