/** Slack mrkdwn needs only &, < and > escaped in text (https://api.slack.com/reference/surfaces/formatting). */
export function escapeMrkdwn(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;');
}

/** A link, only for http(s) URLs: anything else is shown as plain text. */
export function link(url: string, label: string): string {
  if (!/^https?:\/\//.test(url) || /[<>|\s]/.test(url)) {
    return escapeMrkdwn(label);
  }
  return `<${url}|${escapeMrkdwn(label).replace(/\|/g, '¦')}>`;
}

export function shortDigest(digest: string): string {
  const [algorithm, hex] = digest.includes(':')
    ? digest.split(':', 2)
    : ['sha256', digest];
  return `${algorithm}:${hex.slice(0, 12)}`;
}

/** The key naming a release in message metadata (found again after a crash). */
export function releaseKey(entityRef: string, version: string): string {
  return `${entityRef}@${version}`;
}
