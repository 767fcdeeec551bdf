import { CompoundEntityRef } from '@backstage/catalog-model';
import { useApi } from '@backstage/core-plugin-api';
import {
  Promotion,
  PromotionRequestInput,
} from '@shiplog/plugin-shiplog-common';
import { useCallback, useState } from 'react';
import { shiplogApiRef } from '../api/ShiplogApi';

/** Promotes, keeping whether a request is under way and why the last one failed. */
export function useCreatePromotion(entityRef: CompoundEntityRef) {
  const api = useApi(shiplogApiRef);
  const [submitting, setSubmitting] = useState(false);
  const [error, setError] = useState<Error | undefined>();
  const promote = useCallback(
    async (
      request: Omit<PromotionRequestInput, 'dryRun'>,
    ): Promise<Promotion | undefined> => {
      setSubmitting(true);
      setError(undefined);
      try {
        return await api.createPromotion(entityRef, request);
      } catch (e) {
        setError(e as Error);
        return undefined;
      } finally {
        setSubmitting(false);
      }
    },
    [api, entityRef],
  );
  return { promote, submitting, error };
}
