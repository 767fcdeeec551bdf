export { CompareReleases } from './CompareReleases';
export { VersionPicker } from './VersionPicker';
