import { randomBytes } from 'crypto';
import { IncomingMessage } from 'http';
import { HttpError } from './http';
import type { SimulatedInstance } from './model';

/** Argo CD's logins: a static account token, or a session from `POST /api/v1/session`. */
export class Sessions {
  private readonly sessions = new Map<
    string,
    { instance: string; expires: number }
  >();

  /** A new session token for the instance's local user, or 401. */
  login(instance: SimulatedInstance, body: Record<string, unknown>): string {
    const { username, password } = body;
    if (
      !instance.username ||
      username !== instance.username ||
      password !== instance.password
    ) {
      throw new HttpError(401, 'Invalid username or password', 16);
    }
    const token = randomBytes(24).toString('hex');
    this.sessions.set(token, {
      instance: instance.name,
      expires: Date.now() + (instance.sessionTtlMs ?? 86_400_000),
    });
    return token;
  }

  /** Accepts a bearer token or the `argocd.token` cookie; throws 401 otherwise. */
  authorize(instance: SimulatedInstance, req: IncomingMessage): void {
    const header = req.headers.authorization ?? '';
    const cookie = /(?:^|;\s*)argocd\.token=([^;]+)/.exec(
      req.headers.cookie ?? '',
    )?.[1];
    const token = header.startsWith('Bearer ') ? header.slice(7) : cookie;
    if (token && instance.token && token === instance.token) return;
    const session = token ? this.sessions.get(token) : undefined;
    if (
      session &&
      session.instance === instance.name &&
      session.expires > Date.now()
    )
      return;
    throw new HttpError(
      401,
      token ? 'invalid session: token is expired' : 'no session information',
      16,
    );
  }
}
