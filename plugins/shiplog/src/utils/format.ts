import { DateTime } from 'luxon';

/** "3 hours ago", with the exact time kept for a tooltip. */
export function relativeTime(iso: string | undefined): string {
  if (!iso) return '';
  return DateTime.fromISO(iso).toRelative() ?? iso;
}

export function exactTime(iso: string | undefined): string {
  if (!iso) return '';
  return DateTime.fromISO(iso).toLocaleString(
    DateTime.DATETIME_MED_WITH_SECONDS,
  );
}

export const shortSha = (sha: string | undefined) =>
  sha ? sha.slice(0, 7) : '';

/** A digest shown the way registries do: `sha256:1a2b3c4d5e6f`. */
export const shortDigest = (digest: string | undefined) =>
  digest ? `${digest.slice(0, 19)}` : '';
