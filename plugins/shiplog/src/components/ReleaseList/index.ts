export { ReleaseList } from './ReleaseList';
