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
import { DefaultApiClient, TypedResponse } from './generated';
import {
  DeploymentsQuery,
  PromotionDecisionKind,
  PromotionsQuery,
  ShiplogApi,
} from './ShiplogApi';

/** The body of a successful response, or a ResponseError carrying the backend's error body. */
async function read<T>(response: TypedResponse<T>): Promise<T> {
  if (!response.ok) {
    throw await ResponseError.fromResponse(response as Response);
  }
  return response.json();
}

/** Query parameters as the API reads them: an empty filter is no filter. */
function withoutEmpty<T extends object>(query: T): T {
  return Object.fromEntries(
    Object.entries(query).filter(([, value]) => value !== ''),
  ) as T;
}

/** The path of an entity's resources; the backend's entity routes take lower-case references. */
function entityPath(entity: CompoundEntityRef) {
  const lower = (part: string) => part.toLocaleLowerCase('en-US');
  return {
    kind: lower(entity.kind),
    namespace: lower(entity.namespace),
    name: lower(entity.name),
  };
}

/**
 * ShiplogApi over HTTP, a thin layer over the client generated from the backend's OpenAPI spec: the
 * backend's base URL from discovery, credentials from the fetch API, errors as ResponseError.
 *
 * @public
 */
export class ShiplogClient implements ShiplogApi {
  private readonly api: DefaultApiClient;

  constructor(options: { discoveryApi: DiscoveryApi; fetchApi: FetchApi }) {
    this.api = new DefaultApiClient(options);
  }

  async getEnvironments(
    entity: CompoundEntityRef,
  ): Promise<EnvironmentsResponse> {
    return read(await this.api.getEnvironments({ path: entityPath(entity) }));
  }

  async getReleases(
    entity: CompoundEntityRef,
    options: { cursor?: string; limit?: number } = {},
  ): Promise<Page<Release>> {
    return read(
      await this.api.listReleases({
        path: entityPath(entity),
        query: withoutEmpty(options),
      }),
    );
  }

  async getDeployments(
    entity: CompoundEntityRef,
    query: DeploymentsQuery = {},
  ): Promise<Page<Deployment>> {
    return read(
      await this.api.listDeployments({
        path: entityPath(entity),
        query: withoutEmpty(query),
      }),
    );
  }

  async getChangelog(
    entity: CompoundEntityRef,
    from: string,
    to: string,
  ): Promise<ChangelogResponse> {
    return read(
      await this.api.getChangelog({
        path: entityPath(entity),
        query: { from, to },
      }),
    );
  }

  async getArgoCdState(
    entity: CompoundEntityRef,
  ): Promise<ArgoCdStateResponse> {
    return read(await this.api.getArgoCdState({ path: entityPath(entity) }));
  }

  async syncArgoCdApplication(
    entity: CompoundEntityRef,
    request: ArgoCdSyncRequest,
  ): Promise<ArgoCdSyncResponse> {
    return read(
      await this.api.syncArgoCdApplication({
        path: entityPath(entity),
        body: request,
      }),
    );
  }

  async getRollup(entity: CompoundEntityRef): Promise<RollupResponse> {
    return read(await this.api.getRollup({ path: entityPath(entity) }));
  }

  async getDora(
    entity: CompoundEntityRef,
    window: { from?: string; to?: string } = {},
  ): Promise<DoraResponse> {
    return read(
      await this.api.getDoraMetrics({
        path: entityPath(entity),
        query: withoutEmpty(window),
      }),
    );
  }

  async holdEnvironment(
    entity: CompoundEntityRef,
    environment: string,
    reason: string,
  ): Promise<EnvironmentHold> {
    return read(
      await this.api.holdEnvironment({
        path: { ...entityPath(entity), environment },
        body: { reason },
      }),
    );
  }

  async releaseEnvironmentHold(
    entity: CompoundEntityRef,
    environment: string,
  ): Promise<EnvironmentHold> {
    return read(
      await this.api.releaseEnvironmentHold({
        path: { ...entityPath(entity), environment },
      }),
    );
  }

  async decidePromotion(
    entity: CompoundEntityRef,
    promotionId: string,
    decision: PromotionDecisionKind,
    comment?: string,
  ): Promise<Promotion> {
    const request = {
      path: { ...entityPath(entity), id: promotionId },
      body: comment ? { comment } : {},
    };
    if (decision === 'approve') {
      return read(await this.api.approvePromotion(request));
    }
    if (decision === 'reject') {
      return read(await this.api.rejectPromotion(request));
    }
    return read(await this.api.cancelPromotion(request));
  }

  async previewPromotion(
    entity: CompoundEntityRef,
    request: Omit<PromotionRequestInput, 'dryRun'>,
  ): Promise<PromotionPreview> {
    const response = await this.api.createPromotion({
      path: entityPath(entity),
      body: { ...request, dryRun: true },
    });
    // A dry run answers the preview (200); the generated type is either answer.
    return (await read(response)) as PromotionPreview;
  }

  async createPromotion(
    entity: CompoundEntityRef,
    request: Omit<PromotionRequestInput, 'dryRun'>,
  ): Promise<Promotion> {
    const response = await this.api.createPromotion({
      path: entityPath(entity),
      body: request,
    });
    // Without dryRun the backend answers the promotion it made (201).
    return (await read(response)) as Promotion;
  }

  async getPromotions(
    entity: CompoundEntityRef,
    query: PromotionsQuery = {},
  ): Promise<Page<Promotion>> {
    return read(
      await this.api.listPromotions({
        path: entityPath(entity),
        query: withoutEmpty(query),
      }),
    );
  }
}
