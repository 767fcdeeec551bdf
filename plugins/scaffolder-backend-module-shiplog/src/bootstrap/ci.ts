import { Document } from 'yaml';
import type { BootstrapPlan } from './plan';
import { registryLogin } from './registries';
import { RUNTIME_PROFILES } from './runtimes';

/** Path of the event reporter in the new repository, shared by both CI systems. */
export const EVENT_SCRIPT_PATH = 'ci/shiplog-event.sh';

/**
 * Posts one release event to Shiplog's ingest API. Both CI systems call it, so the event's shape is
 * defined once and the tests run this very script. jq builds the JSON (no quoting by hand); the event
 * id is `$EVENT_ID_PREFIX-<type>-<status>`, identical when a post is retried (Shiplog answers it as a
 * duplicate) and new for each run or attempt. A reporting problem never fails the pipeline.
 */
export const EVENT_SCRIPT = `#!/usr/bin/env bash
# Reports a release event to Shiplog:  ${EVENT_SCRIPT_PATH} <build|publish> <started|succeeded|failed|cancelled>
#
# Environment: SHIPLOG_URL, SHIPLOG_TOKEN, SHIPLOG_ENTITY, EVENT_ID_PREFIX (unique per run and attempt),
# VERSION, COMMIT_SHA, RUN_URL, ACTOR, SOURCE; for publish events IMAGE_REPOSITORY and IMAGE_DIGEST
# (sha256:...); optionally COMMITS_JSON, the commits of a GitHub push event.
set -o pipefail

type="$1"
status="$2"
if [ -z "\${SHIPLOG_URL:-}" ] || [ -z "\${SHIPLOG_TOKEN:-}" ]; then
  echo "shiplog: SHIPLOG_URL or SHIPLOG_TOKEN is not set; $type $status not reported" >&2
  exit 0
fi

if ! event="$(jq -n -c \\
  --arg id "\${EVENT_ID_PREFIX:-}-$type-$status" \\
  --arg entityRef "\${SHIPLOG_ENTITY:-}" \\
  --arg type "$type" \\
  --arg status "$status" \\
  --arg version "\${VERSION:-}" \\
  --arg commitSha "\${COMMIT_SHA:-}" \\
  --arg runUrl "\${RUN_URL:-}" \\
  --arg actor "\${ACTOR:-}" \\
  --arg source "\${SOURCE:-}" \\
  --arg occurredAt "$(date -u +%Y-%m-%dT%H:%M:%SZ)" \\
  --arg imageRepository "\${IMAGE_REPOSITORY:-}" \\
  --arg imageDigest "\${IMAGE_DIGEST:-}" \\
  --argjson commits "\${COMMITS_JSON:-null}" \\
  '
  def present: with_entries(select(.value != "" and .value != null));
  {
    id: ($id | gsub("[^!-~]"; "-") | .[0:200]),
    entityRef: $entityRef, type: $type, status: $status, version: $version,
    commitSha: $commitSha, runUrl: $runUrl, actor: $actor, source: $source, occurredAt: $occurredAt
  }
  | present
  | if $type == "publish"
    then .image = ({repository: $imageRepository, tag: $version, digest: $imageDigest} | present)
    else . end
  | if ($commits | type) == "array" and ($commits | length) > 0
    then .commits = [$commits[0:1000][]
      | {sha: .id, message: (.message // "" | .[0:10000]), author: (.author.username // .author.name)}
      | present]
    else . end
  ')"; then
  echo "shiplog: could not build the $type $status event (is jq installed?)" >&2
  exit 0
fi

curl -fsS --retry 5 --retry-all-errors --max-time 30 \\
  -X POST "\${SHIPLOG_URL%/}/api/shiplog/v1/events" \\
  -H "Authorization: Bearer \${SHIPLOG_TOKEN}" \\
  -H 'Content-Type: application/json' \\
  --data-binary "$event" \\
  || echo "shiplog: the $type $status event could not be posted; the pipeline goes on" >&2
exit 0
`;

/**
 * Sets VERSION (the semver of a release tag without its "v", otherwise the commit sha) and TAGS (the
 * image tagged by commit sha, plus the version on a release: never a floating tag such as latest).
 */
const VERSION_SCRIPT = `if [[ "$GITHUB_REF" =~ ^refs/tags/v([0-9]+\\.[0-9]+\\.[0-9]+([-+][0-9A-Za-z.+-]+)?)$ ]]; then
  version="\${BASH_REMATCH[1]}"
  tags="$IMAGE_REPOSITORY:$GITHUB_SHA,$IMAGE_REPOSITORY:$version"
else
  version="$GITHUB_SHA"
  tags="$IMAGE_REPOSITORY:$GITHUB_SHA"
fi
echo "version=$version" >> "$GITHUB_OUTPUT"
echo "tags=$tags" >> "$GITHUB_OUTPUT"
`;

const report = (
  name: string,
  type: string,
  status: string,
  extra: { if?: string; env?: Record<string, string> } = {},
) => ({
  name,
  ...(extra.if ? { if: extra.if } : {}),
  // Step outputs are not available in a job's env, so each report reads the version itself.
  env: { VERSION: '${{ steps.version.outputs.version }}', ...extra.env },
  run: `bash ${EVENT_SCRIPT_PATH} ${type} ${status}`,
});

/** The GitHub Actions workflow: test on every push and pull request; build, push and report on merges and release tags. */
export function githubWorkflow(plan: BootstrapPlan): string {
  const { input } = plan;
  const login = registryLogin(plan);
  const runtime = RUNTIME_PROFILES[input.runtime];
  const workflow = {
    name: 'CI',
    on: {
      push: {
        branches: [input.defaultBranch],
        tags: ['v[0-9]+.[0-9]+.[0-9]+', 'v[0-9]+.[0-9]+.[0-9]+-*'],
      },
      pull_request: { branches: [input.defaultBranch] },
    },
    // Nothing by default; each job asks for what it needs.
    permissions: {},
    // One run per ref at a time. Superseded pull request runs are cancelled; runs on the default
    // branch and tags queue instead, so every merge is built and reported.
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
        'runs-on': 'ubuntu-latest',
        'timeout-minutes': 20,
        permissions: { contents: 'read' },
        steps: [{ uses: 'actions/checkout@v4' }, ...runtime.githubTestSteps],
      },
      build: {
        needs: 'test',
        if: "github.event_name == 'push'",
        'runs-on': 'ubuntu-latest',
        'timeout-minutes': 30,
        permissions: { contents: 'read', ...login.githubPermissions },
        env: {
          SHIPLOG_TOKEN: '${{ secrets.SHIPLOG_TOKEN }}',
          // Unique per run and attempt, stable across retries of one post.
          EVENT_ID_PREFIX:
            'gha-${{ github.repository_id }}-${{ github.run_id }}-${{ github.run_attempt }}',
          COMMIT_SHA: '${{ github.sha }}',
          RUN_URL:
            '${{ github.server_url }}/${{ github.repository }}/actions/runs/${{ github.run_id }}/attempts/${{ github.run_attempt }}',
          ACTOR: '${{ github.actor }}',
          SOURCE: 'github-actions',
        },
        steps: [
          { uses: 'actions/checkout@v4' },
          { name: 'Version and tags', id: 'version', run: VERSION_SCRIPT },
          report('Report build started', 'build', 'started', {
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
                'org.opencontainers.image.version=${{ steps.version.outputs.version }}',
              ].join('\n'),
              'cache-from': 'type=gha',
              'cache-to': 'type=gha,mode=max',
            },
          },
          report('Report build succeeded', 'build', 'succeeded'),
          report('Report image published', 'publish', 'succeeded', {
            env: { IMAGE_DIGEST: '${{ steps.build.outputs.digest }}' },
          }),
          report('Report build failed', 'build', 'failed', { if: 'failure()' }),
          report('Report build cancelled', 'build', 'cancelled', {
            if: 'cancelled()',
          }),
        ],
      },
    },
  };
  const doc = new Document(workflow);
  doc.commentBefore = ` Generated by Shiplog's service template. Tests every push and pull request; builds, pushes
 ${plan.image} and reports to Shiplog on merges to ${input.defaultBranch} and on release tags (vX.Y.Z).
 Needs the repository secret SHIPLOG_TOKEN (a Backstage static token for the shiplog plugin).
 Registry: ${login.setup.github}`;
  return doc.toString({ lineWidth: 0 });
}

/** The Jenkins pipeline doing the same as the workflow, for multibranch pipeline jobs. */
export function jenkinsfile(plan: BootstrapPlan): string {
  const { input } = plan;
  const login = registryLogin(plan);
  const runtime = RUNTIME_PROFILES[input.runtime];
  const loginStep = login.jenkinsCredentials
    ? `withCredentials([usernamePassword(credentialsId: '${login.jenkinsCredentials}', usernameVariable: 'REGISTRY_USERNAME', passwordVariable: 'REGISTRY_PASSWORD')]) {
          sh '${login.jenkinsLogin}'
        }`
    : `sh '${login.jenkinsLogin}'`;
  return `// Generated by Shiplog's service template. Tests every branch and pull request; builds, pushes
// ${plan.image} and reports to Shiplog for ${input.defaultBranch} and release tags (vX.Y.Z).
// Needs: a secret-text credential 'shiplog-ci-token' (a Backstage static token for the shiplog
// plugin), Docker with buildx, jq and curl on the agent.
// Registry: ${login.setup.jenkins}
pipeline {
  agent any
  options {
    // One build per branch at a time, like the workflow's concurrency group.
    disableConcurrentBuilds()
    timeout(time: 30, unit: 'MINUTES')
  }
  environment {
    IMAGE_REPOSITORY = '${plan.image}'
    SHIPLOG_URL = '${plan.shiplogUrl}'
    SHIPLOG_ENTITY = '${plan.entityRef}'
    SHIPLOG_TOKEN = credentials('shiplog-ci-token')
    // BUILD_TAG is unique per build; a replay is a new build with a new tag.
    EVENT_ID_PREFIX = "\${env.BUILD_TAG}"
    COMMIT_SHA = "\${env.GIT_COMMIT}"
    RUN_URL = "\${env.BUILD_URL}"
    ACTOR = 'jenkins'
    SOURCE = 'jenkins'
  }
  stages {
    stage('Test') {
      agent {
        docker {
          image '${runtime.buildImage}'
          reuseNode true
        }
      }
      steps {
        sh '${runtime.jenkinsTest}'
      }
    }
    stage('Build and push') {
      when {
        anyOf {
          branch '${input.defaultBranch}'
          buildingTag()
        }
      }
      steps {
        script {
          // A release tag vX.Y.Z is version X.Y.Z; any other build is its commit sha.
          def release = env.TAG_NAME ==~ /v\\d+\\.\\d+\\.\\d+([-+][0-9A-Za-z.+-]+)?/
          env.VERSION = release ? env.TAG_NAME.substring(1) : env.GIT_COMMIT
        }
        sh 'bash ${EVENT_SCRIPT_PATH} build started'
        ${loginStep}
        sh '''
          set -e
          tags="--tag $IMAGE_REPOSITORY:$GIT_COMMIT"
          if [ "$VERSION" != "$GIT_COMMIT" ]; then tags="$tags --tag $IMAGE_REPOSITORY:$VERSION"; fi
          docker buildx build --push $tags \\
            --label org.opencontainers.image.revision=$GIT_COMMIT \\
            --label org.opencontainers.image.version=$VERSION \\
            --metadata-file build-metadata.json .
        '''
        script {
          env.IMAGE_DIGEST = sh(script: "jq -r '.\\"containerimage.digest\\"' build-metadata.json", returnStdout: true).trim()
        }
        sh 'bash ${EVENT_SCRIPT_PATH} build succeeded'
        sh 'bash ${EVENT_SCRIPT_PATH} publish succeeded'
      }
    }
  }
  post {
    failure {
      script {
        if (env.VERSION) {
          sh 'bash ${EVENT_SCRIPT_PATH} build failed'
        }
      }
    }
    aborted {
      script {
        if (env.VERSION) {
          sh 'bash ${EVENT_SCRIPT_PATH} build cancelled'
        }
      }
    }
  }
}
`;
}
