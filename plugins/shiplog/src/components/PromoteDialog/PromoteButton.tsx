import { useTranslationRef } from '@backstage/core-plugin-api/alpha';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import { usePromotePermission } from '../../hooks';
import { shiplogTranslationRef } from '../../translation';

/**
 * The Promote button of an environment column, shown only to users with `shiplog.promotion.create`
 * on the entity and environment (as Sync is shown only with `shiplog.argocd.sync`).
 */
export function PromoteButton({
  entityRef,
  environment,
  onClick,
}: {
  /** The entity's reference, `component:default/checkout`. */
  entityRef: string;
  environment: string;
  onClick: () => void;
}) {
  const { t } = useTranslationRef(shiplogTranslationRef);
  const { allowed, loading } = usePromotePermission(entityRef, environment);
  if (loading || !allowed) return null;
  return (
    <Box mt={1}>
      <Button size="small" variant="outlined" color="primary" onClick={onClick}>
        {t('promote.button')}
      </Button>
    </Box>
  );
}
