import type { IncomingMessage, ServerResponse } from 'http';
import type { ArgoApplication as Application } from '@shiplog/plugin-shiplog-node';
import { matchesSelector } from '@shiplog/plugin-shiplog-node';

/** Argo CD's watch event types (Kubernetes watch semantics). */
export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

interface Watcher {
  instance: string;
  res: ServerResponse;
  names: string[];
  projects: string[];
  selector: string;
}

/**
 * `GET /api/v1/stream/applications` as Argo CD serves it through its gRPC gateway: server-sent events,
 * one `data:` line per change, `{"result":{"type":"MODIFIED","application":{...}}}`. A new watcher first
 * gets every current application as ADDED (what Argo CD sends when no resourceVersion is given), then
 * each change. Filters: `name`, `projects`, `selector`, as on the list.
 */
export class ApplicationWatchers {
  private readonly watchers = new Set<Watcher>();
  /** Watch streams opened per instance, to show the backend holds one, not one per replica or view. */
  readonly opened: Record<string, number> = {};

  get open(): number {
    return this.watchers.size;
  }

  /** Starts a stream for the request; `current` is the instance's applications at this moment. */
  watch(
    instance: string,
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
    current: Application[],
  ): void {
    const watcher: Watcher = {
      instance,
      res,
      names: url.searchParams.getAll('name'),
      projects: url.searchParams
        .getAll('projects')
        .concat(url.searchParams.getAll('project')),
      selector: url.searchParams.get('selector') ?? '',
    };
    this.opened[instance] = (this.opened[instance] ?? 0) + 1;
    res.writeHead(200, {
      'content-type': 'text/event-stream',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
    });
    // Headers go out now, not with the first event: an instance without applications answers at once.
    res.flushHeaders();
    this.watchers.add(watcher);
    const forget = () => this.watchers.delete(watcher);
    req.on('close', forget);
    res.on('close', forget);
    for (const application of current) {
      this.send(watcher, 'ADDED', application);
    }
  }

  /** Tells every watcher of the instance whose filters match about one application's change. */
  publish(instance: string, type: WatchEventType, application: Application) {
    for (const watcher of this.watchers) {
      if (watcher.instance === instance) this.send(watcher, type, application);
    }
  }

  /** Ends every stream (the simulator stops, or a test breaks the connection on purpose). */
  closeAll(): void {
    for (const watcher of this.watchers) watcher.res.destroy();
    this.watchers.clear();
  }

  private send(watcher: Watcher, type: WatchEventType, app: Application) {
    if (watcher.names.length && !watcher.names.includes(app.metadata.name)) {
      return;
    }
    if (
      watcher.projects.length &&
      !watcher.projects.includes(app.spec.project)
    ) {
      return;
    }
    if (
      watcher.selector &&
      !matchesSelector(watcher.selector, app.metadata.labels ?? {})
    ) {
      return;
    }
    watcher.res.write(
      `data: ${JSON.stringify({ result: { type, application: app } })}\n\n`,
    );
  }
}
