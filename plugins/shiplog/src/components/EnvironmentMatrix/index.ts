export { EnvironmentMatrix } from './EnvironmentMatrix';
export { useDriftDescription } from './useDriftDescription';
