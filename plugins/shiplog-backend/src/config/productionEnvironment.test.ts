import { ConfigReader } from '@backstage/config';
import type { JsonObject } from '@backstage/types';
import { productionEnvironmentOf } from './environmentPolicy';
import { readShiplogConfig } from './readShiplogConfig';

const read = (environments: JsonObject[]) =>
  readShiplogConfig(new ConfigReader({ shiplog: { environments } }));

describe('the production environment', () => {
  it('is the one marked production: true', () => {
    const { environments } = read([
      { name: 'dev' },
      { name: 'prod', production: true },
      { name: 'preview' },
    ]);
    expect(productionEnvironmentOf(environments)).toBe('prod');
    expect(environments[0]).not.toHaveProperty('production');
  });

  it('is the last one when none is marked, and unknown when none is configured', () => {
    expect(
      productionEnvironmentOf(
        read([{ name: 'dev' }, { name: 'live' }]).environments,
      ),
    ).toBe('live');
    expect(productionEnvironmentOf([])).toBeUndefined();
  });

  it('is refused at start when two are marked, naming both', () => {
    expect(() =>
      read([
        { name: 'eu', production: true },
        { name: 'us', production: true },
      ]),
    ).toThrow('marks "eu" and "us" production: true; at most one may be');
  });
});
