import { CompoundEntityRef } from '@backstage/catalog-model';
import { useApi } from '@backstage/core-plugin-api';
import { Release } from '@shiplog/plugin-shiplog-common';
import { useCallback, useMemo, useState } from 'react';
import useAsync from 'react-use/esm/useAsync';
import { shiplogApiRef } from '../api/ShiplogApi';
import { LiveUpdates, useLiveRefresh } from './liveUpdates';
import { useQuietRefresh } from './useQuietRefresh';

const RELEASES_PAGE = 20;

/**
 * The newest page as refreshed, then what was shown before that it no longer holds (a release pushed
 * off the first page stays until older pages are loaded again), then the older pages; each version once.
 */
function mergeReleases(
  fresh: Release[] | undefined,
  first: Release[],
  older: Release[],
): Release[] {
  if (!fresh) return [...first, ...older];
  const seen = new Set(fresh.map(r => r.version));
  const rest = [...first, ...older].filter(r => {
    if (seen.has(r.version)) return false;
    seen.add(r.version);
    return true;
  });
  return [...fresh, ...rest];
}

/**
 * The entity's releases, newest first: the first page at once, older pages through the API's cursor.
 * When `updates` says the releases changed, the first page is fetched again quietly and rendered as
 * a transition (the releases table is the tab's largest part; the matrix goes first).
 */
export function useReleasePages(
  entityRef: CompoundEntityRef,
  updates?: LiveUpdates,
) {
  const api = useApi(shiplogApiRef);
  const [olderReleases, setOlderReleases] = useState<Release[]>([]);
  const [cursor, setCursor] = useState<string | undefined>();
  const [loadingMore, setLoadingMore] = useState(false);
  const [loadMoreError, setLoadMoreError] = useState<Error | undefined>();

  const firstPage = useAsync(async () => {
    const page = await api.getReleases(entityRef, { limit: RELEASES_PAGE });
    setOlderReleases([]);
    setCursor(page.nextCursor);
    return page;
  }, [api, entityRef.kind, entityRef.namespace, entityRef.name]);
  const fresh = useQuietRefresh(
    async () =>
      (await api.getReleases(entityRef, { limit: RELEASES_PAGE })).items,
    { deferred: true },
  );
  useLiveRefresh(updates, 'releases', fresh.run);

  const loadMore = useCallback(async () => {
    if (!cursor) return;
    setLoadingMore(true);
    try {
      const page = await api.getReleases(entityRef, {
        limit: RELEASES_PAGE,
        cursor,
      });
      setOlderReleases(previous => [...previous, ...page.items]);
      setCursor(page.nextCursor);
      setLoadMoreError(undefined);
    } catch (e) {
      setLoadMoreError(e as Error);
    } finally {
      setLoadingMore(false);
    }
  }, [api, entityRef, cursor]);

  const first = firstPage.value?.items;
  const releases = useMemo(
    () => first && mergeReleases(fresh.value, first, olderReleases),
    [first, fresh.value, olderReleases],
  );
  // The same object while nothing changed, so the memoized sections it feeds skip renders.
  return useMemo(
    () => ({
      loading: firstPage.loading,
      error: firstPage.error,
      releases,
      hasMore: Boolean(cursor),
      loadingMore,
      loadMoreError,
      loadMore,
    }),
    [
      firstPage.loading,
      firstPage.error,
      releases,
      cursor,
      loadingMore,
      loadMoreError,
      loadMore,
    ],
  );
}
