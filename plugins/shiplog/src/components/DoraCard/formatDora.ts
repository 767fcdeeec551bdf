/** A duration in seconds the way a person says it: "45 min", "6.5 h", "3.2 days". */
export function formatDuration(seconds: number | null): string | undefined {
  if (seconds === null) return undefined;
  if (seconds < 3600) return `${Math.round(seconds / 60)} min`;
  if (seconds < 86400) return `${(seconds / 3600).toFixed(1)} h`;
  return `${(seconds / 86400).toFixed(1)} days`;
}

export function formatRatio(ratio: number | null): string | undefined {
  return ratio === null ? undefined : `${(ratio * 100).toFixed(1)}%`;
}

/** "2.4", "0.14": enough digits to tell a slow team from an idle one. */
export function formatPerDay(perDay: number): string {
  return perDay >= 1 ? perDay.toFixed(1) : perDay.toFixed(2);
}
