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
  ])('refuses %s', template => {
    expect(() => resolveValuesPath(template, vars)).toThrow(/values path/);
  });
});
