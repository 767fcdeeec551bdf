export { setYamlScalar, YamlEditError } from './setYamlScalar';
export type { YamlScalarEdit } from './setYamlScalar';
export { resolveValuesPath } from './resolveValuesPath';
