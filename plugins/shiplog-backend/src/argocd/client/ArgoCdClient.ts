import type {
  ArgoApplication,
  ArgoApplicationList,
  ArgoResourceTree,
  ArgoRevisionMetadata,
} from '@shiplog/plugin-shiplog-node';
import { ArgoCdInstanceConfig } from '../config';

/** An upstream failure, with the instance named so the page can show it beside the others' data. */
export class ArgoCdRequestError extends Error {
  readonly name = 'ArgoCdRequestError';
  constructor(
    readonly instance: string,
    message: string,
    readonly status?: number,
  ) {
    super(`Argo CD ${instance}: ${message}`);
  }
}

/** The list fields Shiplog uses; Argo CD drops everything else (managed fields, manifests, conditions). */
export const APPLICATION_LIST_FIELDS = [
  'metadata.resourceVersion',
  'items.metadata.name',
  'items.metadata.namespace',
  'items.metadata.labels',
  'items.metadata.resourceVersion',
  'items.spec.project',
  'items.spec.source',
  'items.spec.sources',
  'items.spec.destination',
  'items.spec.syncPolicy',
  'items.status.sync.status',
  'items.status.sync.revision',
  'items.status.sync.revisions',
  'items.status.health',
  'items.status.history',
  'items.status.operationState.phase',
  'items.status.operationState.message',
  'items.status.operationState.startedAt',
  'items.status.operationState.finishedAt',
  'items.status.operationState.operation.initiatedBy',
  'items.status.operationState.syncResult.revision',
  'items.status.operationState.syncResult.revisions',
  'items.status.summary.images',
  'items.status.reconciledAt',
];

/** When a JWT session token expires (Argo CD's are JWTs), so it is renewed before a request fails. */
function tokenExpiry(token: string): number | undefined {
  const payload = token.split('.')[1];
  if (!payload) return undefined;
  try {
    const { exp } = JSON.parse(Buffer.from(payload, 'base64url').toString());
    return typeof exp === 'number' ? exp * 1000 : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Argo CD's REST API for one instance. With a username and password, the session token is fetched once
 * and reused until it expires or a 401 says otherwise; tokens never leave the backend.
 */
export class ArgoCdClient {
  private session?: Promise<{ token: string; expires?: number }>;

  constructor(
    readonly instance: ArgoCdInstanceConfig,
    private readonly timeoutMs: number,
    private readonly fetchImpl: typeof fetch = fetch,
  ) {}

  async listApplications(
    options: { selector?: string; fields?: string[] } = {},
  ): Promise<ArgoApplication[]> {
    const list = await this.request<ArgoApplicationList>(
      'GET',
      '/api/v1/applications',
      {
        selector: options.selector,
        fields: options.fields?.join(','),
      },
    );
    return list.items ?? [];
  }

  getResourceTree(
    name: string,
    appNamespace?: string,
  ): Promise<ArgoResourceTree> {
    return this.request(
      'GET',
      `/api/v1/applications/${encodeURIComponent(name)}/resource-tree`,
      { appNamespace },
    );
  }

  getRevisionMetadata(
    name: string,
    revision: string,
    options: { appNamespace?: string; sourceIndex?: number } = {},
  ): Promise<ArgoRevisionMetadata> {
    return this.request(
      'GET',
      `/api/v1/applications/${encodeURIComponent(
        name,
      )}/revisions/${encodeURIComponent(revision)}/metadata`,
      {
        appNamespace: options.appNamespace,
        sourceIndex:
          options.sourceIndex === undefined
            ? undefined
            : String(options.sourceIndex),
      },
    );
  }

  sync(name: string, appNamespace?: string): Promise<ArgoApplication> {
    return this.request(
      'POST',
      `/api/v1/applications/${encodeURIComponent(name)}/sync`,
      {},
      { appNamespace, prune: false, dryRun: false },
    );
  }

  /**
   * Opens Argo CD's application watch stream (`GET /api/v1/stream/applications`, server-sent events).
   * No overall timeout: the stream stays open until `signal` aborts or the server ends it; only the
   * answer's headers must arrive within the request timeout.
   */
  async openApplicationStream(
    signal: AbortSignal,
  ): Promise<ReadableStream<Uint8Array>> {
    const open = async (token: string) => {
      // The headers' deadline must not cut the body, which the fetch's signal would also abort.
      const connection = new AbortController();
      const abort = () => connection.abort();
      signal.addEventListener('abort', abort, { once: true });
      const headersDue = setTimeout(abort, this.timeoutMs);
      try {
        return await this.fetchImpl(
          new URL(`${this.instance.url}/api/v1/stream/applications`),
          {
            headers: {
              accept: 'text/event-stream',
              authorization: `Bearer ${token}`,
            },
            signal: connection.signal,
          },
        );
      } catch (error) {
        throw new ArgoCdRequestError(
          this.instance.name,
          `watch stream unreachable (${(error as Error)?.message ?? error})`,
        );
      } finally {
        clearTimeout(headersDue);
      }
    };
    let response = await open(await this.token(false));
    if (response.status === 401 && !this.instance.token) {
      await response.body?.cancel();
      response = await open(await this.token(true));
    }
    if (!response.ok || !response.body) {
      await response.body?.cancel();
      throw new ArgoCdRequestError(
        this.instance.name,
        `GET /api/v1/stream/applications answered ${response.status}`,
        response.status,
      );
    }
    return response.body;
  }

  private async token(renew: boolean): Promise<string> {
    const { token, username, password } = this.instance;
    if (token) return token;
    const cached = this.session && (await this.session.catch(() => undefined));
    if (
      !renew &&
      cached &&
      (!cached.expires || cached.expires > Date.now() + 30_000)
    ) {
      return cached.token;
    }
    // One login for every request waiting on it.
    this.session = this.send<{ token: string }>(
      'POST',
      '/api/v1/session',
      {},
      { username, password },
    ).then(({ token: fresh }) => ({
      token: fresh,
      expires: tokenExpiry(fresh),
    }));
    this.session.catch(() => {
      this.session = undefined;
    });
    return (await this.session).token;
  }

  private async request<T>(
    method: string,
    path: string,
    query: Record<string, string | undefined>,
    body?: unknown,
  ): Promise<T> {
    const token = await this.token(false);
    try {
      return await this.send<T>(method, path, query, body, token);
    } catch (error) {
      const passwordLogin = !this.instance.token;
      if (
        passwordLogin &&
        error instanceof ArgoCdRequestError &&
        error.status === 401
      ) {
        return this.send<T>(method, path, query, body, await this.token(true));
      }
      throw error;
    }
  }

  private async send<T>(
    method: string,
    path: string,
    query: Record<string, string | undefined>,
    body?: unknown,
    token?: string,
  ): Promise<T> {
    const url = new URL(`${this.instance.url}${path}`);
    for (const [key, value] of Object.entries(query)) {
      if (value !== undefined && value !== '') url.searchParams.set(key, value);
    }
    let response: Response;
    try {
      response = await this.fetchImpl(url, {
        method,
        headers: {
          accept: 'application/json',
          ...(body ? { 'content-type': 'application/json' } : {}),
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
        body: body ? JSON.stringify(body) : undefined,
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (error) {
      const timedOut = (error as Error)?.name === 'TimeoutError';
      throw new ArgoCdRequestError(
        this.instance.name,
        timedOut
          ? `no answer within ${this.timeoutMs} ms`
          : `unreachable (${(error as Error)?.message ?? error})`,
      );
    }
    const text = await response.text();
    if (!response.ok) {
      let message = text.slice(0, 300);
      try {
        const parsed = JSON.parse(text);
        message = parsed.message ?? parsed.error ?? message;
      } catch {
        // not JSON: keep the text
      }
      throw new ArgoCdRequestError(
        this.instance.name,
        `${method} ${path} answered ${response.status}: ${message}`,
        response.status,
      );
    }
    try {
      return JSON.parse(text) as T;
    } catch {
      throw new ArgoCdRequestError(
        this.instance.name,
        `${method} ${path} answered something that is not JSON`,
      );
    }
  }
}
