import type { ShiplogSignalPart } from '@shiplog/plugin-shiplog-common';
import { useEffect, useRef } from 'react';

type Listener = () => void;

/**
 * The tab's fan-out of "this part changed": one subscription to the entity's signal channel feeds it,
 * and so do the tab's own actions (a promotion made, a hold released). Each part's data hook listens
 * for its part and refetches itself; nothing above it re-renders, so a change costs one small query
 * and the render of what shows it.
 */
export class LiveUpdates {
  private readonly listeners = new Map<ShiplogSignalPart, Set<Listener>>();

  /** Calls `listener` whenever `part` changes; returns the unsubscribe. */
  on(part: ShiplogSignalPart, listener: Listener): () => void {
    const set = this.listeners.get(part) ?? new Set<Listener>();
    this.listeners.set(part, set.add(listener));
    return () => {
      set.delete(listener);
    };
  }

  /** Tells the listeners of each part, in the order given (the matrix first). */
  emit(parts: readonly ShiplogSignalPart[]): void {
    for (const part of parts) {
      for (const listener of [...(this.listeners.get(part) ?? [])]) {
        listener();
      }
    }
  }
}

/** Runs the latest `refresh` whenever `part` changes in `updates`; subscribed once per `updates`. */
export function useLiveRefresh(
  updates: LiveUpdates | undefined,
  part: ShiplogSignalPart,
  refresh: () => void,
): void {
  const latest = useRef(refresh);
  latest.current = refresh;
  useEffect(() => updates?.on(part, () => latest.current()), [updates, part]);
}
