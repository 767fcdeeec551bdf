import { resolveValuesPath } from './resolveValuesPath';

describe('resolveValuesPath', () => {
  const vars = { environment: 'prod', component: 'checkout' };

  it('fills the placeholders', () => {
    expect(
      resolveValuesPath(
        'charts/{{component}}/values-{{ environment }}.yaml',
        vars,
      ),
    ).toBe('charts/checkout/values-prod.yaml');
  });

  it.each([
    '../outside/values-{{environment}}.yaml',
    'charts/../../etc/{{component}}.yaml',
    '/etc/values.yaml',
    'charts/{{component}}/README.md',
    'charts/{{team}}/values.yaml',
    // percent-encoded traversal: a URL reader decodes these into ../
    '%2e%2e/%2e%2e/other-repo/values-{{environment}}.yaml',
    'charts/%2E%2E/%2e%2e/secrets.yaml',
    'charts/..%2fsecrets.yaml',
    'charts/..%5csecrets.yaml',
    'charts/%252e%252e/%252e%252e/x.yaml',
    '%2fetc/values.yaml',
    'charts/x.yaml%00.yaml',
    'charts/%zz.yaml',
    'charts/x.yaml?ref=other.yaml',
    'charts/x.yaml#.yaml',
    'charts/x\u0000.yaml',
  ])('refuses %s', template => {
    expect(() => resolveValuesPath(template, vars)).toThrow(/values path/);
  });

  it('keeps ordinary names, including an escape that is not a separator', () => {
    expect(resolveValuesPath('charts/a%20b/values.yaml', vars)).toBe(
      'charts/a%20b/values.yaml',
    );
    expect(resolveValuesPath('./charts/x/../y/values.yml', vars)).toBe(
      'charts/y/values.yml',
    );
  });
});
