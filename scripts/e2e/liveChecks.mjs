// Runs the live checks (scripts/e2e/live.mjs, and the MCP tools in scripts/e2e/mcp.mjs) with what they
// need from the end-to-end run.
import {
  checkApproval,
  checkArgoCdWatch,
  checkBell,
  checkLiveIngest,
  checkRollbackWithHold,
} from './live.mjs';
import { checkMcpTools } from './mcp.mjs';
import { readTimeline, startTimeline } from './timeline.mjs';

/**
 * @param page a signed-in page
 * @param base `{ check, post, portal, backend, token, screenshots }` from scripts/e2e.mjs
 */
export async function runLiveChecks(page, base) {
  // What the page's signal connection carried: said beside a live update that did not come.
  const sockets = [];
  /** When the page received each signal on a shiplog channel. */
  const signalsAt = [];
  /** What each of those signals said changed. */
  const signalKinds = [];
  page.on('websocket', ws => {
    const socket = {
      url: ws.url(),
      opened: new Date().toISOString(),
      frames: 0,
      closed: false,
      last: [],
    };
    sockets.push(socket);
    ws.on('framereceived', frame => {
      socket.frames++;
      if (!ws.url().includes('/api/signals')) return;
      if (String(frame.payload).includes('"shiplog:')) {
        signalsAt.push(Date.now());
        signalKinds.push(
          /"changed":"(\w+)"/.exec(String(frame.payload))?.[1] ?? '?',
        );
      }
      socket.last = [
        ...socket.last,
        `${new Date().toISOString()} ${String(frame.payload).slice(0, 120)}`,
      ].slice(-4);
    });
    ws.on('framesent', frame => {
      if (!ws.url().includes('/api/signals')) return;
      socket.last = [
        ...socket.last,
        `sent ${String(frame.payload).slice(0, 100)}`,
      ].slice(-6);
    });
    ws.on('close', () => {
      socket.closed = true;
    });
  });
  // The tab's reads of the matrix and Argo CD state, to see when a signal made it fetch.
  const reads = [];
  page.on('response', response => {
    const url = response.url();
    if (/\/api\/shiplog\/v1\/.*\/(environments|argocd)$/.test(url)) {
      reads.push(
        `${new Date().toISOString()} ${
          url.split('/').slice(-1)[0]
        } ${response.status()}`,
      );
    }
  });
  const ctx = {
    ...base,
    slackUrl: process.env.SLACK_URL ?? 'http://localhost:7014',
    argoProdUrl: process.env.ARGOCD_PROD_URL ?? 'http://localhost:7012',
    argoProdLogin: {
      username: 'admin',
      password: 'shiplog-dev-argocd-password',
    },
    async api(path) {
      const res = await fetch(`${base.backend}/api/shiplog/v1${path}`, {
        headers: { authorization: `Bearer ${base.token}` },
        signal: AbortSignal.timeout(30_000),
      });
      if (!res.ok) throw new Error(`GET ${path} answered ${res.status}`);
      return res.json();
    },
    async openTab(page, component) {
      await page.goto(
        `${base.portal}/catalog/default/component/${component}/deployments`,
        { waitUntil: 'networkidle', timeout: 120_000 },
      );
      await page
        .getByText('Environments', { exact: true })
        .first()
        .waitFor({ timeout: 60_000 });
      await startTimeline(page);
    },
    /**
     * A live update, measured from the change (`since`, epoch ms): the signal reaching the page and the
     * new state on screen without a reload (within 30 s). Where E2E_NO_PERF_CHECK says the machine is
     * shared (as for the monolith timing), the one-second target is reported; otherwise asserted.
     */
    async timing(ms, message, since, page) {
      const signal = signalsAt.find(at => at >= since);
      const signalMs = signal === undefined ? undefined : signal - since;
      console.log(
        `info ${message}: signal on the page after ${
          signalMs ?? 'no'
        } ms, on screen after ${ms ?? 'not within 30 s'} ms`,
      );
      // Where the time went: the signals that came, the reads they caused, the main thread's long tasks.
      const timeline = await readTimeline(page, since, since + (ms ?? 30_000));
      console.log(
        `info timeline (ms after the change): signals at ${JSON.stringify(
          signalsAt.flatMap((at, i) =>
            at >= since ? [`${signalKinds[i]}@${at - since}`] : [],
          ),
        )}; reads ${JSON.stringify(timeline.reads)}; long tasks ${
          timeline.busyMs
        } ms ${JSON.stringify(timeline.longTasks)}`,
      );
      if (ms === undefined || ms >= 1000) {
        console.log(
          `info at ${new Date().toISOString()} the page's signal sockets: ${JSON.stringify(
            sockets.filter(socket => socket.url.includes('/api/signals')),
          )}; its last reads: ${JSON.stringify(reads.slice(-8))}`,
        );
      }
      // What Shiplog controls: the signal reaches the open page within a second (5 s where the machine
      // is shared). The refetch behind it is a page read like any other and slows with the load.
      const signalBudget = process.env.E2E_NO_PERF_CHECK ? 5000 : 1000;
      base.check(
        signalMs !== undefined && signalMs < signalBudget,
        `${message}: the signal reaches the page within ${
          signalBudget / 1000
        } s (${signalMs ?? 'none'} ms)`,
      );
      base.check(
        ms !== undefined,
        `${message}: on screen without a reload (${ms ?? 'never, 30 s'} ms)`,
      );
      // The target: the change on screen within a second of it happening.
      if (process.env.E2E_NO_PERF_CHECK) {
        console.log(
          `info ${message}: on screen after ${
            ms ?? 'more than 30 000'
          } ms (target under 1 s; reported, not asserted: E2E_NO_PERF_CHECK)`,
        );
      } else {
        base.check(
          ms !== undefined && ms < 1000,
          `${message}: on screen within 1 s (${ms ?? 'never'} ms)`,
        );
      }
    },
  };
  const guarded = async (name, fn) => {
    try {
      return await fn();
    } catch (error) {
      base.check(false, `${name}: ${error.message.split('\n')[0]}`);
      return undefined;
    }
  };
  const version = await guarded('live update on ingest', () =>
    checkLiveIngest(page, ctx),
  );
  if (version) {
    await guarded('notification bell', () => checkBell(page, ctx, version));
  }
  await guarded('Argo CD watch', () => checkArgoCdWatch(page, ctx));
  await guarded('rollback with hold', () => checkRollbackWithHold(page, ctx));
  await guarded('approval', () => checkApproval(page, ctx));
  await guarded('MCP tools', () => checkMcpTools(ctx));
}
