import { templateEntityV1beta3Validator } from '@backstage/plugin-scaffolder-common';
import { Validator } from 'jsonschema';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse } from 'yaml';
import { DNS_LABEL } from './bootstrap/options';
import { createShiplogBootstrapAction } from './actions/bootstrap';
import { exampleInputs } from './actions/bootstrap.examples';
import { createShiplogNextVersionAction } from './actions/nextVersion';

// The service template registered in the portal's catalog (templates/new-service).
const template = parse(
  readFileSync(
    resolve(__dirname, '../../../templates/new-service/template.yaml'),
    'utf8',
  ),
);
const [service, build] = template.spec.parameters;

describe('templates/new-service', () => {
  it('is a valid Template entity', async () => {
    expect(await templateEntityV1beta3Validator.check(template)).toBe(true);
  });

  it('validates the name as the bootstrap action does', () => {
    expect(service.properties.name.pattern).toBe(DNS_LABEL.source);
    const pattern = new RegExp(service.properties.name.pattern);
    expect(
      ['checkout', 'a', 'order-api2'].every(name => pattern.test(name)),
    ).toBe(true);
    expect(
      ['Checkout', '-x', 'x-', 'a_b', 'a.b'].some(name => pattern.test(name)),
    ).toBe(false);
  });

  it('offers every runtime, registry and CI choice the action supports', () => {
    const schema = JSON.parse(
      JSON.stringify(
        createShiplogBootstrapAction({
          integrations: { byHost: () => undefined } as never,
          defaultShiplogUrl: 'http://localhost:7007',
        }).schema!.input,
      ),
    );
    expect(service.properties.runtime.enum).toEqual(
      schema.properties.runtime.enum,
    );
    expect(build.properties.registry.enum).toEqual(
      schema.properties.registry.properties.type.enum,
    );
    expect(build.properties.ci.enum).toEqual(schema.properties.ci.enum);
    expect(build.properties.environments.default).toEqual([
      'dev',
      'stage',
      'prod',
    ]);
    expect(build.properties.environments.items.enum).toEqual(
      expect.arrayContaining(['dev', 'stage', 'prod']),
    );
  });

  it('generates everything with Shiplog actions, then publishes and registers', () => {
    const actions = template.spec.steps.map(
      (step: { action: string }) => step.action,
    );
    expect(actions).toEqual([
      createShiplogNextVersionAction().id,
      'shiplog:bootstrap',
      'publish:github',
      'shiplog:github:deploy-labels',
      'publish:github:pull-request',
      'catalog:register',
    ]);
    expect(actions.some((action: string) => action.startsWith('fetch:'))).toBe(
      false,
    );
  });

  it('protects the default branch with the generated check and one approving review', () => {
    const publish = template.spec.steps.find(
      (step: { action: string }) => step.action === 'publish:github',
    );
    expect(publish.input).toMatchObject({
      protectDefaultBranch: true,
      requiredStatusCheckContexts:
        '${{ steps.bootstrap.output.requiredStatusChecks }}',
      requiredApprovingReviewCount: 1,
    });
  });

  it('offers the deploy modes and secret stores the action supports', () => {
    const schema = JSON.parse(
      JSON.stringify(
        createShiplogBootstrapAction({
          integrations: { byHost: () => undefined } as never,
          defaultShiplogUrl: 'http://localhost:7007',
        }).schema!.input,
      ),
    );
    expect(build.properties.deployMode.enum).toEqual(
      schema.properties.deploy.properties.mode.enum,
    );
    expect(build.properties.secretStore.enum).toEqual(
      schema.properties.secrets.properties.store.enum,
    );
  });

  it("passes the scaffolder's input check when optional form fields are left empty", () => {
    const action = createShiplogBootstrapAction({
      integrations: { byHost: () => undefined } as never,
      defaultShiplogUrl: 'http://localhost:7007',
    });
    const schema = JSON.parse(JSON.stringify(action.schema!.input));
    const input = (eks: Record<string, unknown>) => ({
      ...exampleInputs.ghcrNodeInRepository,
      runnerLabels: [],
      deploy: { mode: 'argocd', eks },
      secrets: { keys: [], store: 'none' },
    });
    const validator = new Validator();
    // The template passes each form field; an unset one is dropped, so no cluster means no EKS.
    expect(
      validator.validate(input({ privateEndpoint: false }), schema).errors,
    ).toEqual([]);
    expect(
      validator.validate(input({ cluster: 'Not A Cluster!' }), schema).valid,
    ).toBe(false);
  });
});
