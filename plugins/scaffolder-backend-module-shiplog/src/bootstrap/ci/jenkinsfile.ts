import type { BootstrapPlan, PlannedEnvironment } from '../plan';
import { registryLogin } from '../registries';
import { RUNTIME_PROFILES } from '../runtimes';
import { helmUpgradeCommand } from './helm';
import {
  EVENT_SCRIPT_PATH,
  LABELS_SCRIPT_PATH,
  RELEASE_SCRIPT_PATH,
} from './scripts';

/** Indents every line but the first of a block placed inside generated Groovy. */
const indent = (text: string, spaces: number) =>
  text.replace(/\n/g, `\n${' '.repeat(spaces)}`);

function loginStep(plan: BootstrapPlan): string {
  const login = registryLogin(plan);
  return login.jenkinsCredentials
    ? `withCredentials([usernamePassword(credentialsId: '${login.jenkinsCredentials}', usernameVariable: 'REGISTRY_USERNAME', passwordVariable: 'REGISTRY_PASSWORD')]) {
  sh '${login.jenkinsLogin}'
}`
    : `sh '${login.jenkinsLogin}'`;
}

function agent(plan: BootstrapPlan): string {
  const labels = plan.input.runnerLabels;
  return labels ? `agent { label '${labels.join(' && ')}' }` : 'agent any';
}

/** The GitHub repository, for the release and the merged pull request's labels. */
function githubEnvironment(plan: BootstrapPlan): string {
  const { repository } = plan;
  if (!repository.isGithub) return '';
  const api =
    repository.host === 'github.com'
      ? 'https://api.github.com'
      : `https://${repository.host}/api/v3`;
  return `
    GITHUB_REPOSITORY = '${repository.owner}/${repository.repo}'
    GITHUB_API_URL = '${api}'`;
}

function releaseStage(plan: BootstrapPlan): string {
  const helm = plan.input.deploy.mode === 'helm-from-ci';
  return `stage('Release') {
  when { branch '${plan.input.defaultBranch}' }
  steps {
    // The version comes from Shiplog (commits since the last release), never from a person.
    withCredentials([string(credentialsId: 'github-token', variable: 'GITHUB_TOKEN')]) {
      sh '''
        : > release.env
        GIT_PUSH_TOKEN="$GITHUB_TOKEN" RELEASE_OUTPUT=release.env bash ${RELEASE_SCRIPT_PATH}
      '''${
        helm
          ? `\n      sh 'bash ${LABELS_SCRIPT_PATH} > merged-pr-labels.txt'`
          : ''
      }
    }
    script {
      def release = readFile('release.env').readLines().collectEntries { line ->
        def parts = line.split('=', 2)
        [(parts[0]): parts.size() > 1 ? parts[1] : '']
      }
      env.RELEASE_VERSION = release.version ?: ''
      if (env.RELEASE_VERSION) {
        ${indent(loginStep(plan), 8)}
        sh 'docker buildx imagetools create --tag "$IMAGE_REPOSITORY:$RELEASE_VERSION" "$IMAGE_REPOSITORY@$IMAGE_DIGEST"'
        withEnv(["VERSION=\${env.RELEASE_VERSION}", "EVENT_ID_PREFIX=\${env.BUILD_TAG}-release"]) {
          sh 'bash ${EVENT_SCRIPT_PATH} release succeeded'
          sh 'bash ${EVENT_SCRIPT_PATH} publish succeeded'
        }
      }
    }
  }
}`;
}

function clusterAccess(plan: BootstrapPlan, environment: PlannedEnvironment) {
  const helm = `sh '''\n  ${indent(
    helmUpgradeCommand(plan, environment),
    2,
  )}\n'''`;
  const { eks } = plan.input.deploy;
  if (eks) {
    return `sh 'aws eks update-kubeconfig --name ${eks.cluster} --region ${eks.region} --role-arn ${eks.roleArn}'\n${helm}`;
  }
  return `withCredentials([file(credentialsId: 'kubeconfig-${
    environment.name
  }', variable: 'KUBECONFIG')]) {\n  ${indent(helm, 2)}\n}`;
}

function deployStage(plan: BootstrapPlan, environment: PlannedEnvironment) {
  const { name } = environment;
  return `stage('Deploy ${name}') {
  when {
    allOf {
      branch '${plan.input.defaultBranch}'
      expression { env.RELEASE_VERSION && env.DEPLOY_STOPPED != 'true' }
    }
  }
  environment {
    ENVIRONMENT = '${name}'
    EVENT_ID_PREFIX = "\${env.BUILD_TAG}-deploy-${name}"
  }
  steps {
    script {
      if (readFile('merged-pr-labels.txt').readLines().contains('no-deploy-to-${name}')) {
        // A reviewer stopped this merge here; the environments after it are not deployed either.
        env.DEPLOY_STOPPED = 'true'
        echo 'The merged pull request is labelled no-deploy-to-${name}: not deployed'
        return
      }
      withEnv(["VERSION=\${env.RELEASE_VERSION}"]) {
        sh 'bash ${EVENT_SCRIPT_PATH} deploy started'
        try {
          ${indent(clusterAccess(plan, environment), 10)}
          sh 'bash ${EVENT_SCRIPT_PATH} deploy succeeded'
        } catch (error) {
          env.DEPLOY_STOPPED = 'true'
          sh 'bash ${EVENT_SCRIPT_PATH} deploy failed'
          throw error
        }
      }
    }
  }
}`;
}

function buildStage(plan: BootstrapPlan): string {
  return `stage('Build and push') {
  when { branch '${plan.input.defaultBranch}' }
  steps {
    script {
      // The build of a merge is named by its commit; the Release stage gives it its version.
      env.VERSION = env.GIT_COMMIT
    }
    sh 'bash ${EVENT_SCRIPT_PATH} build started'
    ${indent(loginStep(plan), 4)}
    sh '''
      set -e
      docker buildx build --push --tag "$IMAGE_REPOSITORY:$GIT_COMMIT" \\\\
        --label org.opencontainers.image.revision=$GIT_COMMIT \\\\
        --metadata-file build-metadata.json .
    '''
    script {
      env.IMAGE_DIGEST = sh(script: "jq -r '.\\"containerimage.digest\\"' build-metadata.json", returnStdout: true).trim()
    }
    sh 'bash ${EVENT_SCRIPT_PATH} build succeeded'
    sh 'bash ${EVENT_SCRIPT_PATH} publish succeeded'
    script {
      env.BUILD_DONE = 'true'
    }
  }
}`;
}

/** The Jenkins pipeline doing the same as the workflow, for multibranch pipeline jobs. */
export function jenkinsfile(plan: BootstrapPlan): string {
  const { input } = plan;
  const login = registryLogin(plan);
  const runtime = RUNTIME_PROFILES[input.runtime];
  const deploys =
    input.deploy.mode === 'helm-from-ci'
      ? plan.environments.map(environment => deployStage(plan, environment))
      : [];
  return `// Generated by Shiplog's service template. Tests every branch and pull request. For each merge to
// ${input.defaultBranch}: builds and pushes ${
    plan.image
  }, asks Shiplog for the next version, tags it,
// creates the GitHub release with Shiplog's notes and publishes the image under that version${
    deploys.length
      ? `,\n// then deploys it with Helm to ${input.environments.join(
          ', ',
        )} in order (a no-deploy-to-<env> label on the\n// merged pull request stops it there)`
      : ''
  }.
// Needs: a secret-text credential 'shiplog-ci-token' (a Backstage static token for the shiplog
// plugin), a secret-text credential 'github-token' (pushes the tag, creates the release), Docker with
// buildx, jq, curl and git on the agent${
    deploys.length ? ', helm and kubeconfig access per environment' : ''
  }.
// Registry: ${login.setup.jenkins}
pipeline {
  ${agent(plan)}
  options {
    // One build per branch at a time, like the workflow's concurrency group.
    disableConcurrentBuilds()
    timeout(time: 60, unit: 'MINUTES')
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
    SOURCE = 'jenkins'${githubEnvironment(plan)}
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
    ${[buildStage(plan), releaseStage(plan), ...deploys]
      .map(stage => indent(stage, 4))
      .join('\n    ')}
  }
  post {
    failure {
      script {
        // A later stage's failure is reported by that stage, not as a failed build.
        if (env.VERSION && env.BUILD_DONE != 'true') {
          sh 'bash ${EVENT_SCRIPT_PATH} build failed'
        }
      }
    }
    aborted {
      script {
        if (env.VERSION && env.BUILD_DONE != 'true') {
          sh 'bash ${EVENT_SCRIPT_PATH} build cancelled'
        }
      }
    }
  }
}
`;
}
