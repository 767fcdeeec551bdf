/** The prefix of every route about one catalog entity. */
export const ENTITY_ROUTE = '/v1/entities/:kind/:namespace/:name';
