import { RecentDetails } from './RecentDetails';

/** A promise the test settles. */
function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('RecentDetails', () => {
  it('waits the whole budget for the first value, then serves the last one while a fresh one loads', async () => {
    const recent = new RecentDetails<string>();
    const first = deferred<string>();
    const firstView = recent.get('argo/checkout-prod', first.promise, {
      budgetMs: 60_000,
    });
    first.resolve('tree v1');
    await expect(firstView).resolves.toEqual({ value: 'tree v1' });

    // A sync changed the application: its new tree is slow to come.
    const fresh = deferred<string>();
    const view = await recent.get('argo/checkout-prod', fresh.promise, {
      budgetMs: 60_000,
    });
    expect(view.value).toBe('tree v1');
    expect(view.error).toBeUndefined();
    // A second view waiting on the same fetch follows the same late promise.
    const again = await recent.get('argo/checkout-prod', fresh.promise, {
      budgetMs: 60_000,
    });
    expect(again.fresh).toBe(view.fresh);

    fresh.resolve('tree v2');
    await view.fresh;
    const next = deferred<string>();
    const later = recent.get('argo/checkout-prod', next.promise, {
      budgetMs: 60_000,
    });
    next.resolve('tree v2');
    await expect(later).resolves.toEqual({ value: 'tree v2' });
  });

  it('makes a caller that needs the current value wait for it', async () => {
    const recent = new RecentDetails<string>();
    await recent.get('app', Promise.resolve('values v1'), { budgetMs: 60_000 });
    const next = deferred<string>();
    const sync = recent.get('app', next.promise, {
      budgetMs: 60_000,
      serveRecent: false,
    });
    setTimeout(() => next.resolve('values v2'), 300);
    await expect(sync).resolves.toEqual({ value: 'values v2' });
  });

  it('shows a real failure as before, never the last value in its place', async () => {
    const recent = new RecentDetails<string>();
    await recent.get('app', Promise.resolve('tree v1'), { budgetMs: 60_000 });
    const outcome = await recent.get(
      'app',
      Promise.reject(new Error('Argo CD answered 403')),
      { budgetMs: 60_000 },
    );
    expect(outcome).toMatchObject({ error: 'Argo CD answered 403' });
    expect(outcome.value).toBeUndefined();
    expect(outcome.fresh).toBeUndefined();
  });

  it('answers within the budget without a last value', async () => {
    const recent = new RecentDetails<string>();
    const outcome = await recent.get('app', new Promise(() => {}), {
      budgetMs: 20,
    });
    expect(outcome.error).toMatch(/^still waiting/);
    expect(outcome.late).toBe(true);
    expect(outcome.fresh).toBeUndefined();
  });
});
