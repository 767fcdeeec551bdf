import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { Entity } from '@backstage/catalog-model';
import {
  DoraResponse,
  EnvironmentConfig,
  RollupResponse,
} from '@shiplog/plugin-shiplog-common';
import { productionEnvironmentOf } from '../config/environmentPolicy';
import { DeliveryMetricsStore, RollupStore } from '../database/stores';
import { computeDora } from './dora';
import { CoveredComponent, getRollup } from './rollup';

/** The components an org entity covers, as the caller may see them (the catalog's part of org views). */
export interface ComponentCoverage {
  of(
    entity: Entity,
    credentials: BackstageCredentials,
  ): Promise<CoveredComponent[]>;
}

/** Used when no environment is configured and the components' events reveal none either. */
const FALLBACK_PRODUCTION = 'production';

/**
 * Org views of a Component, System, Group or Domain: what runs where across its components (rollup)
 * and their DORA metrics. Reads the rollup and delivery read models only.
 */
export class OrgViewService {
  constructor(
    private readonly options: {
      coverage: ComponentCoverage;
      rollups: RollupStore;
      deliveryMetrics: DeliveryMetricsStore;
      environments: EnvironmentConfig[];
    },
  ) {}

  async rollup(
    entity: Entity,
    credentials: BackstageCredentials,
  ): Promise<RollupResponse> {
    const components = await this.options.coverage.of(entity, credentials);
    return getRollup(
      this.options.rollups,
      components,
      this.options.environments,
    );
  }

  async dora(
    entity: Entity,
    credentials: BackstageCredentials,
    window: { from: number; to: number },
  ): Promise<DoraResponse> {
    const components = await this.options.coverage.of(entity, credentials);
    return computeDora(this.options.deliveryMetrics, {
      environment: await this.productionEnvironment(components),
      entityRefs: components.map(c => c.entityRef),
      ...window,
    });
  }

  /** The configured production environment; without configuration, the last one the components reveal. */
  private async productionEnvironment(
    components: CoveredComponent[],
  ): Promise<string> {
    const configured = productionEnvironmentOf(this.options.environments);
    if (configured) {
      return configured;
    }
    const { environments } = await getRollup(
      this.options.rollups,
      components,
      [],
    );
    return environments[environments.length - 1] ?? FALLBACK_PRODUCTION;
  }
}
