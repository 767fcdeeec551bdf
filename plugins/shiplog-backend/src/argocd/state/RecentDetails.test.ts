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
    const firstView = recent.get('argo/checkout-prod', first.promise, 60_000);
    first.resolve('tree v1');
    await expect(firstView).resolves.toEqual({ value: 'tree v1' });

    // A sync changed the application: its new tree is slow to come.
    const fresh = deferred<string>();
    const view = await recent.get('argo/checkout-prod', fresh.promise, 60_000);
    expect(view.value).toBe('tree v1');
    expect(view.error).toBeUndefined();
    // A second view waiting on the same fetch follows the same late promise.
    const again = await recent.get('argo/checkout-prod', fresh.promise, 60_000);
    expect(again.late).toBe(view.late);

    fresh.resolve('tree v2');
    await view.late;
    const next = deferred<string>();
    const later = recent.get('argo/checkout-prod', next.promise, 60_000);
    next.resolve('tree v2');
    await expect(later).resolves.toEqual({ value: 'tree v2' });
  });

  it('shows a real failure as before, never the last value in its place', async () => {
    const recent = new RecentDetails<string>();
    await recent.get('app', Promise.resolve('tree v1'), 60_000);
    const outcome = await recent.get(
      'app',
      Promise.reject(new Error('Argo CD answered 403')),
      60_000,
    );
    expect(outcome).toEqual({ error: 'Argo CD answered 403' });
  });

  it('answers within the budget without a last value', async () => {
    const recent = new RecentDetails<string>();
    const outcome = await recent.get('app', new Promise(() => {}), 20);
    expect(outcome.error).toMatch(/^still waiting/);
    expect(outcome.late).toBeUndefined();
  });
});
