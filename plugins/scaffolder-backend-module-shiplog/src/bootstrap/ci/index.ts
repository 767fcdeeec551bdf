export * from './scripts';
export { githubWorkflow } from './githubWorkflow';
export { jenkinsfile } from './jenkinsfile';
