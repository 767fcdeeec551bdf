import { Document, stringify } from 'yaml';
import {
  ARGOCD_ANNOTATIONS,
  GITHUB_PROJECT_SLUG_ANNOTATION,
  SHIPLOG_ANNOTATIONS,
} from '@shiplog/plugin-shiplog-common';
import { repoPath } from '../actions/workspace';
import type { BootstrapPlan, PlannedEnvironment } from './plan';
import {
  environmentSecretValues,
  externalSecretTemplate,
  SECRET_ENV_TEMPLATE,
  secretDefaults,
} from './secrets';

/** Files of the Helm chart, keyed by path inside the GitOps repository. */
export function helmChart(plan: BootstrapPlan): Record<string, string> {
  const { name, description } = plan.input;
  const chart = plan.gitops.chartPath;
  const files: Record<string, string> = {
    [repoPath(chart, 'Chart.yaml')]: stringify({
      apiVersion: 'v2',
      name,
      description: description ?? `Helm chart of ${name}`,
      type: 'application',
      version: '0.1.0',
      appVersion: plan.input.imageTag,
    }),
    [repoPath(chart, 'values.yaml')]: valuesDocument(
      'Defaults for every environment; values-<environment>.yaml overrides them.',
      {
        replicaCount: 1,
        image: {
          repository: plan.image,
          // Set per environment: promotions edit image.tag in values-<environment>.yaml.
          tag: '',
          pullPolicy: 'IfNotPresent',
        },
        containerPort: 8080,
        service: { port: 80 },
        resources: {
          requests: { cpu: '100m', memory: '128Mi' },
          limits: { memory: '256Mi' },
        },
        ...secretDefaults(plan),
      },
    ),
    [repoPath(chart, 'templates/deployment.yaml')]: deploymentTemplate(name),
    [repoPath(chart, 'templates/service.yaml')]: serviceTemplate(name),
    [repoPath(chart, 'templates/externalsecret.yaml')]:
      externalSecretTemplate(name),
  };
  for (const environment of plan.environments) {
    files[environment.valuesPath] = valuesDocument(
      `${name} in ${environment.name}. Shiplog promotions change image.tag here (one scalar, nothing else).`,
      {
        replicaCount: environment.production ? 2 : 1,
        image: { tag: plan.input.imageTag },
        ...environmentSecretValues(plan, environment),
      },
    );
  }
  return files;
}

function valuesDocument(comment: string, values: object): string {
  const doc = new Document(values);
  doc.commentBefore = ` ${comment}`;
  // Quoted, so a tag such as 1.10 or 1234567 stays a string instead of becoming a number.
  return doc.toString({
    defaultStringType: 'QUOTE_DOUBLE',
    defaultKeyType: 'PLAIN',
  });
}

/** The labels that select a release's pods, indented for where they stand in a template. */
function selectorLabels(name: string, indent: number): string {
  const pad = ' '.repeat(indent);
  return `${pad}app.kubernetes.io/name: ${name}\n${pad}app.kubernetes.io/instance: {{ .Release.Name }}`;
}

/** Start of a chart resource named after the release. */
function resourceHeader(
  apiVersion: string,
  kind: string,
  name: string,
): string {
  return `apiVersion: ${apiVersion}
kind: ${kind}
metadata:
  name: {{ .Release.Name }}
  labels:
${selectorLabels(name, 4)}`;
}

// Helm templates are Go templates, not YAML until rendered; they are written as text.
function deploymentTemplate(name: string): string {
  return `${resourceHeader('apps/v1', 'Deployment', name)}
    app.kubernetes.io/version: {{ .Values.image.tag | quote }}
spec:
  replicas: {{ .Values.replicaCount }}
  selector:
    matchLabels:
${selectorLabels(name, 6)}
  template:
    metadata:
      labels:
${selectorLabels(name, 8)}
    spec:
      securityContext:
        runAsNonRoot: true
        seccompProfile:
          type: RuntimeDefault
      containers:
        - name: ${name}
          image: "{{ .Values.image.repository }}:{{ required "image.tag must be set in values-<environment>.yaml" .Values.image.tag }}"
          imagePullPolicy: {{ .Values.image.pullPolicy }}
          ports:
            - name: http
              containerPort: {{ .Values.containerPort }}
          env:
            - name: PORT
              value: {{ .Values.containerPort | quote }}
${SECRET_ENV_TEMPLATE}
          readinessProbe:
            httpGet:
              path: /healthz
              port: http
          livenessProbe:
            httpGet:
              path: /healthz
              port: http
          securityContext:
            allowPrivilegeEscalation: false
            readOnlyRootFilesystem: true
            capabilities:
              drop: ["ALL"]
          resources:
            {{- toYaml .Values.resources | nindent 12 }}
          volumeMounts:
            - name: tmp
              mountPath: /tmp
      volumes:
        - name: tmp
          emptyDir: {}
`;
}

function serviceTemplate(name: string): string {
  return `${resourceHeader('v1', 'Service', name)}
spec:
  selector:
${selectorLabels(name, 4)}
  ports:
    - name: http
      port: {{ .Values.service.port }}
      targetPort: http
`;
}

/**
 * One Argo CD Application per environment, labelled so Shiplog maps it to the component and the
 * environment. Production has no automated sync: a person syncs it after reviewing the diff.
 */
export function argoApplications(plan: BootstrapPlan): Record<string, string> {
  const files: Record<string, string> = {};
  for (const environment of plan.environments) {
    files[
      repoPath(plan.gitops.applicationsPath, `${environment.appName}.yaml`)
    ] = stringify(argoApplication(plan, environment));
  }
  return files;
}

function argoApplication(plan: BootstrapPlan, environment: PlannedEnvironment) {
  const { argocd, gitops } = plan.input;
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Application',
    metadata: {
      name: environment.appName,
      namespace: argocd.namespace,
      labels: {
        'app.kubernetes.io/name': plan.input.name,
        'shiplog.dev/environment': environment.name,
      },
      // Deleting the Application deletes what it deployed.
      finalizers: ['resources-finalizer.argocd.argoproj.io'],
    },
    spec: {
      project: argocd.project,
      source: {
        repoURL: plan.gitops.repoUrl,
        targetRevision:
          gitops.layout === 'separate-repository'
            ? gitops.revision
            : plan.input.defaultBranch,
        path: plan.gitops.chartPath,
        helm: {
          releaseName: plan.input.name,
          valueFiles: [`values-${environment.name}.yaml`],
        },
      },
      destination: {
        server: argocd.destinationServer,
        namespace: environment.appName,
      },
      syncPolicy: {
        ...(environment.production
          ? {}
          : { automated: { prune: true, selfHeal: true } }),
        syncOptions: ['CreateNamespace=true'],
      },
    },
  };
}

/** The component, with what Shiplog and the Argo CD plugins read from it. */
export function catalogInfo(plan: BootstrapPlan): string {
  const { input, repository } = plan;
  const annotations: Record<string, string> = {};
  if (repository.isGithub) {
    annotations[
      GITHUB_PROJECT_SLUG_ANNOTATION
    ] = `${repository.owner}/${repository.repo}`;
  }
  Object.assign(annotations, {
    [ARGOCD_ANNOTATIONS.appSelector]: `app.kubernetes.io/name=${input.name}`,
    [SHIPLOG_ANNOTATIONS.gitopsRepo]: plan.gitops.repoUrl,
    [SHIPLOG_ANNOTATIONS.valuesPath]: plan.gitops.valuesPathTemplate,
    [SHIPLOG_ANNOTATIONS.imageTagPath]: 'image.tag',
    [SHIPLOG_ANNOTATIONS.image]: plan.image,
    [SHIPLOG_ANNOTATIONS.environments]: input.environments.join(','),
  });
  return stringify({
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name: input.name,
      ...(input.description ? { description: input.description } : {}),
      annotations,
    },
    spec: {
      type: 'service',
      lifecycle: input.lifecycle,
      owner: input.owner,
      ...(input.system ? { system: input.system } : {}),
    },
  });
}
