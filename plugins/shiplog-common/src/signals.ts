/**
 * The parts of an entity's Deployments tab a change can touch, each read by its own query: the
 * environments matrix, the releases, the promotions and the live Argo CD state.
 *
 * @public
 */
export type ShiplogSignalPart =
  | 'environments'
  | 'releases'
  | 'promotions'
  | 'argocd';

/**
 * Every part of the tab, in the order a refresh of all of them starts (the matrix first).
 *
 * @public
 */
export const SHIPLOG_SIGNAL_PARTS: readonly ShiplogSignalPart[] = [
  'environments',
  'argocd',
  'promotions',
  'releases',
];

/**
 * The message Shiplog publishes on `shiplog:<entityRef>` (Backstage signals). It says which parts
 * changed, not what they now hold: a signal is broadcast, so anything an entity's reader may not see
 * stays behind the permission-checked API, and the tab refetches only the parts named.
 *
 * @public
 */
export type ShiplogSignal = {
  entityRef: string;
  /** What caused it: ledger events, the Argo CD watch or poll, or an environment's hold. */
  changed: 'ledger' | 'argocd' | 'environments';
  parts: ShiplogSignalPart[];
  /** When it was published (epoch ms). */
  at: number;
};

/**
 * The signal channel of an entity's Deployments tab.
 *
 * @public
 */
export function shiplogSignalChannel(entityRef: string): string {
  return `shiplog:${entityRef}`;
}

/** Which parts of the tab each type of ledger event changes. */
const PARTS_BY_EVENT_TYPE: Record<string, ShiplogSignalPart[]> = {
  // A build brings commits (undeployed work in the matrix) and a release row.
  build: ['environments', 'releases'],
  publish: ['releases'],
  release: ['releases'],
  deploy: ['environments', 'releases'],
  commits: ['environments'],
  pull_request: ['environments', 'releases'],
  // A promotion's step; a rollback also holds its environment (shown in the matrix).
  promotion: ['promotions', 'environments'],
};

/**
 * The parts of the tab a batch of ledger events changes (every part for a type it does not know).
 *
 * @public
 */
export function signalPartsForEvents(
  eventTypes: Iterable<string>,
): ShiplogSignalPart[] {
  const parts = new Set<ShiplogSignalPart>();
  for (const type of eventTypes) {
    for (const part of PARTS_BY_EVENT_TYPE[type] ?? SHIPLOG_SIGNAL_PARTS) {
      parts.add(part);
    }
  }
  return SHIPLOG_SIGNAL_PARTS.filter(part => parts.has(part));
}

/**
 * The parts a received signal names; every part when it names none this version knows (an older
 * or newer backend), so the tab never misses a change.
 *
 * @public
 */
export function signalPartsOf(message: unknown): ShiplogSignalPart[] {
  const named =
    message && typeof message === 'object' && 'parts' in message
      ? (message as { parts?: unknown }).parts
      : undefined;
  const known = Array.isArray(named)
    ? SHIPLOG_SIGNAL_PARTS.filter(part => named.includes(part))
    : [];
  return known.length ? known : [...SHIPLOG_SIGNAL_PARTS];
}
