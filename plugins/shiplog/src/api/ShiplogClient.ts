import { CompoundEntityRef } from '@backstage/catalog-model';
import { DiscoveryApi, FetchApi } from '@backstage/core-plugin-api';
import { ResponseError } from '@backstage/errors';
import {
  ArgoCdStateResponse,
  ArgoCdSyncRequest,
  ArgoCdSyncResponse,
  ChangelogResponse,
  Deployment,
  DoraResponse,
  EnvironmentHold,
  EnvironmentsResponse,
  Page,
  Promotion,
  PromotionPreview,
  PromotionRequestInput,
  Release,
  RollupResponse,
} from '@shiplog/plugin-shiplog-common';
import {
  DeploymentsQuery,
  PromotionDecisionKind,
  PromotionsQuery,
  ShiplogApi,
} from './ShiplogApi';

/**
 * ShiplogApi over HTTP: the backend's base URL from discovery, credentials from the fetch API.
 *
 * @public
 */
export class ShiplogClient implements ShiplogApi {
  constructor(
    private readonly options: {
      discoveryApi: DiscoveryApi;
      fetchApi: FetchApi;
    },
  ) {}

  getEnvironments(entity: CompoundEntityRef): Promise<EnvironmentsResponse> {
    return this.get(entity, 'environments');
  }

  getReleases(
    entity: CompoundEntityRef,
    options: { cursor?: string; limit?: number } = {},
  ): Promise<Page<Release>> {
    return this.get(entity, 'releases', options);
  }

  getDeployments(
    entity: CompoundEntityRef,
    query: DeploymentsQuery = {},
  ): Promise<Page<Deployment>> {
    return this.get(entity, 'deployments', { ...query });
  }

  getChangelog(
    entity: CompoundEntityRef,
    from: string,
    to: string,
  ): Promise<ChangelogResponse> {
    return this.get(entity, 'changelog', { from, to });
  }

  getArgoCdState(entity: CompoundEntityRef): Promise<ArgoCdStateResponse> {
    return this.get(entity, 'argocd');
  }

  syncArgoCdApplication(
    entity: CompoundEntityRef,
    request: ArgoCdSyncRequest,
  ): Promise<ArgoCdSyncResponse> {
    return this.get(entity, 'argocd/sync', {}, request);
  }

  getRollup(entity: CompoundEntityRef): Promise<RollupResponse> {
    return this.get(entity, 'rollup');
  }

  getDora(
    entity: CompoundEntityRef,
    window: { from?: string; to?: string } = {},
  ): Promise<DoraResponse> {
    return this.get(entity, 'dora', window);
  }

  holdEnvironment(
    entity: CompoundEntityRef,
    environment: string,
    reason: string,
  ): Promise<EnvironmentHold> {
    return this.get(entity, this.holdPath(environment), {}, { reason });
  }

  releaseEnvironmentHold(
    entity: CompoundEntityRef,
    environment: string,
  ): Promise<EnvironmentHold> {
    return this.get(
      entity,
      this.holdPath(environment),
      {},
      undefined,
      'DELETE',
    );
  }

  decidePromotion(
    entity: CompoundEntityRef,
    promotionId: string,
    decision: PromotionDecisionKind,
    comment?: string,
  ): Promise<Promotion> {
    return this.get(
      entity,
      `promotions/${encodeURIComponent(promotionId)}/${decision}`,
      {},
      comment ? { comment } : {},
    );
  }

  private holdPath(environment: string): string {
    return `environments/${encodeURIComponent(environment)}/hold`;
  }

  /** GET with a query, or POST when there is a JSON body (or another method). */
  private async get<T>(
    entity: CompoundEntityRef,
    resource: string,
    query: Record<string, string | number | undefined> = {},
    body?: object,
    method?: 'DELETE',
  ): Promise<T> {
    const baseUrl = await this.options.discoveryApi.getBaseUrl('shiplog');
    const path = [entity.kind, entity.namespace, entity.name]
      .map(part => encodeURIComponent(part.toLocaleLowerCase('en-US')))
      .join('/');
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(query)) {
      if (value !== undefined && value !== '') params.set(key, String(value));
    }
    const search = params.toString();
    const response = await this.options.fetchApi.fetch(
      `${baseUrl}/v1/entities/${path}/${resource}${search ? `?${search}` : ''}`,
      body
        ? {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify(body),
          }
        : method && { method },
    );
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    return (await response.json()) as T;
  }

  previewPromotion(
    entity: CompoundEntityRef,
    request: Omit<PromotionRequestInput, 'dryRun'>,
  ): Promise<PromotionPreview> {
    return this.postPromotion(entity, { ...request, dryRun: true });
  }

  createPromotion(
    entity: CompoundEntityRef,
    request: Omit<PromotionRequestInput, 'dryRun'>,
  ): Promise<Promotion> {
    return this.postPromotion(entity, request);
  }

  getPromotions(
    entity: CompoundEntityRef,
    query: PromotionsQuery = {},
  ): Promise<Page<Promotion>> {
    return this.get(entity, 'promotions', { ...query });
  }

  private postPromotion<T>(
    entity: CompoundEntityRef,
    body: PromotionRequestInput,
  ): Promise<T> {
    return this.get(entity, 'promotions', {}, body);
  }
}
