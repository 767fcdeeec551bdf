export { CommitList } from './CommitList';
