import Ajv from 'ajv';

/**
 * The fields an Argo CD Application must have, from the CustomResourceDefinition Argo CD installs
 * (argoproj/argo-cd, manifests/crds/application-crd.yaml: `metadata` and `spec` required, in `spec`
 * `destination` and `project`, in a source `repoURL`), plus `apiVersion` and `kind`, which the API
 * server needs to route the object, and a source, without which the controller has nothing to sync.
 */
const applicationSchema = {
  type: 'object',
  required: ['apiVersion', 'kind', 'metadata', 'spec'],
  properties: {
    apiVersion: { const: 'argoproj.io/v1alpha1' },
    kind: { const: 'Application' },
    metadata: {
      type: 'object',
      required: ['name'],
      properties: {
        name: {
          type: 'string',
          pattern: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$',
          maxLength: 63,
        },
        namespace: { type: 'string' },
        labels: { type: 'object', additionalProperties: { type: 'string' } },
      },
    },
    spec: {
      type: 'object',
      required: ['project', 'destination'],
      oneOf: [{ required: ['source'] }, { required: ['sources'] }],
      properties: {
        project: { type: 'string', minLength: 1 },
        source: { $ref: '#/$defs/source' },
        sources: {
          type: 'array',
          minItems: 1,
          items: { $ref: '#/$defs/source' },
        },
        destination: {
          type: 'object',
          anyOf: [{ required: ['server'] }, { required: ['name'] }],
          properties: {
            server: { type: 'string' },
            name: { type: 'string' },
            namespace: { type: 'string' },
          },
        },
        syncPolicy: {
          type: 'object',
          properties: {
            automated: {
              type: 'object',
              properties: {
                prune: { type: 'boolean' },
                selfHeal: { type: 'boolean' },
              },
            },
            syncOptions: { type: 'array', items: { type: 'string' } },
          },
        },
      },
    },
  },
  $defs: {
    source: {
      type: 'object',
      required: ['repoURL'],
      properties: {
        repoURL: { type: 'string', minLength: 1 },
        path: { type: 'string' },
        targetRevision: { type: 'string' },
        helm: {
          type: 'object',
          properties: {
            valueFiles: { type: 'array', items: { type: 'string' } },
          },
        },
      },
    },
  },
};

const validate = new Ajv({ allErrors: true }).compile(applicationSchema);

/** Validates a parsed Application; returns ajv's messages, empty when it is valid. */
export function argoApplicationErrors(application: unknown): string[] {
  if (validate(application)) return [];
  return (validate.errors ?? []).map(
    error => `${error.instancePath || '/'} ${error.message}`,
  );
}
