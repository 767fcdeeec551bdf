export { ArgoCdSimulator } from './simulator';
export type { SimulatedInstance, SimulatorOptions } from './simulator';
export { GitRepository, seedBareRepository } from './gitRepo';
