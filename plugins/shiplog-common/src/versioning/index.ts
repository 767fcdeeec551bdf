export * from './conventionalCommits';
export * from './nextVersion';
