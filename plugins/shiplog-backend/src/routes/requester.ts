/** Who asked, as promotions and holds record it: the user, or the service's subject. */
export function requesterOf(principal: {
  type: string;
  userEntityRef?: string;
  subject?: string;
}): string {
  return principal.userEntityRef ?? `service:${principal.subject ?? 'unknown'}`;
}
