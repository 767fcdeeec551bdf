/**
 * Shiplog's backend plugin: records release events and answers what runs where.
 *
 * @packageDocumentation
 */
export { shiplogPlugin as default } from './plugin';
export { LedgerStore } from './database/LedgerStore';
export type { LedgerEvent, IngestResult } from './database/types';
