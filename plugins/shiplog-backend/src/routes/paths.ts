import { TypedRouter } from '@backstage/backend-openapi-utils';
import { EndpointMap } from '../schema/openapi';

/**
 * The plugin's router, typed by the OpenAPI spec (`src/schema/openapi.yaml`): a route the spec does
 * not declare, or a handler answering a body that does not match it, fails to compile.
 */
export type ShiplogRouter = TypedRouter<EndpointMap>;
