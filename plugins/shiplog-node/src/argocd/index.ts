export type * from './types';
export { matchesSelector } from './labelSelector';
