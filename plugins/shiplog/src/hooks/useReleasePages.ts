import { CompoundEntityRef } from '@backstage/catalog-model';
import { useApi } from '@backstage/core-plugin-api';
import { Release } from '@shiplog/plugin-shiplog-common';
import { useCallback, useState } from 'react';
import useAsync from 'react-use/esm/useAsync';
import { shiplogApiRef } from '../api/ShiplogApi';

const RELEASES_PAGE = 20;

/** The entity's releases, newest first: the first page at once, older pages through the API's cursor. */
export function useReleasePages(entityRef: CompoundEntityRef) {
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

  return {
    loading: firstPage.loading,
    error: firstPage.error,
    releases: firstPage.value
      ? [...firstPage.value.items, ...olderReleases]
      : undefined,
    hasMore: Boolean(cursor),
    loadingMore,
    loadMoreError,
    loadMore,
  };
}
