import { Document } from 'yaml';
import type { BootstrapPlan } from '../plan';
import { registryLogin } from '../registries';
import { RUNTIME_PROFILES } from '../runtimes';
import { githubDeployJobs } from './githubDeploy';
import { reportingEnv, reportStep, runsOn } from './githubSteps';
import { LABELS_SCRIPT_PATH, RELEASE_SCRIPT_PATH } from './scripts';

/**
 * Sets VERSION (the commit sha: the build of a merge is named by its commit until the release job
 * gives it a version) and TAGS (never a floating tag such as latest).
 */
const VERSION_SCRIPT = `echo "version=$GITHUB_SHA" >> "$GITHUB_OUTPUT"
echo "tags=$IMAGE_REPOSITORY:$GITHUB_SHA" >> "$GITHUB_OUTPUT"
`;

function buildJob(plan: BootstrapPlan) {
  const login = registryLogin(plan);
  return {
    needs: 'test',
    if: "github.event_name == 'push'",
    'runs-on': runsOn(plan),
    'timeout-minutes': 30,
    permissions: { contents: 'read', ...login.githubPermissions },
    outputs: { digest: '${{ steps.build.outputs.digest }}' },
    env: reportingEnv('build'),
    steps: [
      { uses: 'actions/checkout@v4' },
      { name: 'Version and tags', id: 'version', run: VERSION_SCRIPT },
      reportStep('Report build started', 'build', 'started', {
        env: { COMMITS_JSON: '${{ toJSON(github.event.commits) }}' },
      }),
      ...login.githubSteps,
      { uses: 'docker/setup-buildx-action@v3' },
      {
        name: 'Build and push',
        id: 'build',
        uses: 'docker/build-push-action@v6',
        with: {
          context: '.',
          push: 'true',
          tags: '${{ steps.version.outputs.tags }}',
          labels: [
            'org.opencontainers.image.revision=${{ github.sha }}',
            'org.opencontainers.image.source=${{ github.server_url }}/${{ github.repository }}',
          ].join('\n'),
          'cache-from': 'type=gha',
          'cache-to': 'type=gha,mode=max',
        },
      },
      reportStep('Report build succeeded', 'build', 'succeeded'),
      reportStep('Report image published', 'publish', 'succeeded', {
        env: { IMAGE_DIGEST: '${{ steps.build.outputs.digest }}' },
      }),
      reportStep('Report build failed', 'build', 'failed', { if: 'failure()' }),
      reportStep('Report build cancelled', 'build', 'cancelled', {
        if: 'cancelled()',
      }),
    ],
  };
}

/**
 * After the merge is built: Shiplog names its version, the tag and the GitHub release are cut with
 * Shiplog's notes, and the image just built is published under that version (the bytes that were
 * tested are the bytes released). A merge that releases nothing stops here.
 */
function releaseJob(plan: BootstrapPlan) {
  const login = registryLogin(plan);
  const released = "steps.release.outputs.version != ''";
  const helm = plan.input.deploy.mode === 'helm-from-ci';
  return {
    needs: 'build',
    'runs-on': runsOn(plan),
    'timeout-minutes': 15,
    // contents: write pushes the tag and creates the release.
    permissions: {
      contents: 'write',
      ...(helm ? { 'pull-requests': 'read' } : {}),
      ...login.githubPermissions,
    },
    outputs: {
      version: '${{ steps.release.outputs.version }}',
      ...(helm ? { labels: '${{ steps.labels.outputs.labels }}' } : {}),
    },
    env: {
      ...reportingEnv('release'),
      GITHUB_TOKEN: '${{ secrets.GITHUB_TOKEN }}',
      IMAGE_DIGEST: '${{ needs.build.outputs.digest }}',
    },
    steps: [
      // Full history and tags: the release script checks where existing tags point.
      { uses: 'actions/checkout@v4', with: { 'fetch-depth': '0' } },
      {
        name: 'Next version, tag and GitHub release',
        id: 'release',
        run: `bash ${RELEASE_SCRIPT_PATH}`,
      },
      ...(helm
        ? [
            {
              name: 'Labels of the merged pull request',
              id: 'labels',
              run: `echo "labels=$(bash ${LABELS_SCRIPT_PATH} | jq -R . | jq -s -c .)" >> "$GITHUB_OUTPUT"`,
            },
          ]
        : []),
      ...login.githubSteps.map(step => ({ ...step, if: released })),
      { uses: 'docker/setup-buildx-action@v3', if: released },
      {
        name: 'Publish the version',
        if: released,
        env: { VERSION: '${{ steps.release.outputs.version }}' },
        run: 'docker buildx imagetools create --tag "$IMAGE_REPOSITORY:$VERSION" "$IMAGE_REPOSITORY@$IMAGE_DIGEST"',
      },
      ...[
        reportStep('Report release', 'release', 'succeeded', {
          version: '${{ steps.release.outputs.version }}',
        }),
        reportStep('Report version published', 'publish', 'succeeded', {
          version: '${{ steps.release.outputs.version }}',
        }),
      ].map(step => ({ ...step, if: released })),
    ],
  };
}

/**
 * The GitHub Actions workflow: test on every push and pull request; on merges build and push,
 * cut the release Shiplog names, publish it and, in helm-from-ci mode, deploy it environment by
 * environment.
 */
export function githubWorkflow(plan: BootstrapPlan): string {
  const { input } = plan;
  const login = registryLogin(plan);
  const runtime = RUNTIME_PROFILES[input.runtime];
  const workflow = {
    name: 'CI',
    on: {
      // No tag trigger: versions are cut by the release job, never pushed by hand.
      push: { branches: [input.defaultBranch] },
      pull_request: { branches: [input.defaultBranch] },
    },
    // Nothing by default; each job asks for what it needs.
    permissions: {},
    // One run per ref at a time. Superseded pull request runs are cancelled; runs on the default
    // branch queue instead, so every merge is built, released and reported in order.
    concurrency: {
      group: '${{ github.workflow }}-${{ github.ref }}',
      'cancel-in-progress': "${{ github.event_name == 'pull_request' }}",
    },
    env: {
      IMAGE_REPOSITORY: plan.image,
      SHIPLOG_URL: plan.shiplogUrl,
      SHIPLOG_ENTITY: plan.entityRef,
    },
    jobs: {
      test: {
        'runs-on': runsOn(plan),
        'timeout-minutes': 20,
        permissions: { contents: 'read' },
        steps: [{ uses: 'actions/checkout@v4' }, ...runtime.githubTestSteps],
      },
      build: buildJob(plan),
      release: releaseJob(plan),
      ...(input.deploy.mode === 'helm-from-ci' ? githubDeployJobs(plan) : {}),
    },
  };
  const doc = new Document(workflow);
  doc.commentBefore = ` Generated by Shiplog's service template. Tests every push and pull request. On each merge to
 ${input.defaultBranch}: builds and pushes ${
    plan.image
  }, asks Shiplog for the next version (conventional
 commits and semver:* labels since the last release), tags it, creates the GitHub release with
 Shiplog's notes and publishes the image under that version${
   input.deploy.mode === 'helm-from-ci'
     ? `, then deploys it with Helm to ${input.environments.join(
         ', ',
       )} in order (a no-deploy-to-<env> label on the merged pull request stops it there)`
     : ''
 }.
 Needs the repository secret SHIPLOG_TOKEN (a Backstage static token for the shiplog plugin).
 Registry: ${login.setup.github}`;
  return doc.toString({ lineWidth: 0 });
}
