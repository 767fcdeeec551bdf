import type { BootstrapPlan, PlannedEnvironment } from './plan';

/** The Kubernetes Secret the service reads its secrets from: values never live in Git. */
export const secretName = (plan: BootstrapPlan) => `${plan.input.name}-secrets`;

/** Chart defaults: which keys the Deployment reads, and whether an ExternalSecret fills the Secret. */
export function secretDefaults(plan: BootstrapPlan) {
  const { keys, store, secretStoreName } = plan.input.secrets;
  return {
    secrets: { name: secretName(plan), keys },
    externalSecret: {
      enabled: store !== 'none',
      // A ClusterSecretStore set up once per cluster by the platform team.
      storeName: secretStoreName ?? (store === 'none' ? '' : store),
      refreshInterval: '1h',
      remoteKey: '',
    },
  };
}

/**
 * Where one environment's secret lives in the store: one secret per environment holding a JSON
 * object with a property per key. AWS Secrets Manager names take paths, GCP secret ids do not.
 */
export function environmentSecretValues(
  plan: BootstrapPlan,
  environment: PlannedEnvironment,
): object {
  const { store } = plan.input.secrets;
  if (store === 'none') return {};
  const remoteKey =
    store === 'aws-secrets-manager'
      ? `${plan.input.name}/${environment.name}`
      : `${plan.input.name}-${environment.name}`;
  return { externalSecret: { remoteKey } };
}

/** The env entries of the container: one secretKeyRef per declared key. */
export const SECRET_ENV_TEMPLATE = `          {{- range .Values.secrets.keys }}
            - name: {{ . }}
              valueFrom:
                secretKeyRef:
                  name: {{ $.Values.secrets.name }}
                  key: {{ . }}
          {{- end }}`;

/** An External Secrets Operator ExternalSecret that fills the Secret from the environment's store entry. */
export function externalSecretTemplate(name: string): string {
  return `{{- if .Values.externalSecret.enabled }}
apiVersion: external-secrets.io/v1
kind: ExternalSecret
metadata:
  name: {{ .Values.secrets.name }}
  labels:
    app.kubernetes.io/name: ${name}
    app.kubernetes.io/instance: {{ .Release.Name }}
spec:
  refreshInterval: {{ .Values.externalSecret.refreshInterval }}
  secretStoreRef:
    kind: ClusterSecretStore
    name: {{ required "externalSecret.storeName must be set" .Values.externalSecret.storeName }}
  target:
    name: {{ .Values.secrets.name }}
    creationPolicy: Owner
  data:
  {{- range .Values.secrets.keys }}
    - secretKey: {{ . }}
      remoteRef:
        key: {{ required "externalSecret.remoteKey must be set in values-<environment>.yaml" $.Values.externalSecret.remoteKey }}
        property: {{ . }}
  {{- end }}
{{- end }}
`;
}
