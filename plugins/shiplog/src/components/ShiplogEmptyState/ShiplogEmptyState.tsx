import { CodeSnippet, EmptyState } from '@backstage/core-components';
import { useTranslationRef } from '@backstage/core-plugin-api/alpha';
import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import { shiplogTranslationRef } from '../../translation';

const annotationsSnippet = (name: string) => `metadata:
  annotations:
    github.com/project-slug: acme/${name}          # GitHub webhooks: builds, releases, merges
    shiplog.dev/image: ghcr.io/acme/${name}        # registry webhooks (Harbor)
    argocd/app-selector: app.kubernetes.io/name=${name}   # Argo CD syncs`;

const ciStepSnippet = (
  ref: string,
) => `curl -fsS -X POST "$BACKSTAGE_URL/api/shiplog/v1/events" \\
  -H "Authorization: Bearer $SHIPLOG_TOKEN" -H 'Content-Type: application/json' \\
  -d '{"id":"'"$RUN_ID"'-build","entityRef":"${ref}","type":"build",
       "status":"succeeded","version":"'"$VERSION"'","commitSha":"'"$GIT_SHA"'"}'`;

/** Says exactly what to add when Shiplog knows nothing about the entity yet. */
export function ShiplogEmptyState(props: {
  entityName: string;
  entityRef: string;
  annotated: boolean;
}) {
  const { t } = useTranslationRef(shiplogTranslationRef);
  const { annotated } = props;
  return (
    <EmptyState
      missing={annotated ? 'data' : 'field'}
      title={
        annotated ? t('emptyState.noEventsTitle') : t('emptyState.unknownTitle')
      }
      description={
        annotated
          ? t('emptyState.noEventsDescription')
          : t('emptyState.unknownDescription')
      }
      action={
        <Box maxWidth={820}>
          {!annotated && (
            <>
              <Typography variant="subtitle2">
                {t('emptyState.catalogInfo')}
              </Typography>
              <CodeSnippet
                text={annotationsSnippet(props.entityName)}
                language="yaml"
                showCopyCodeButton
              />
            </>
          )}
          <Typography variant="subtitle2">{t('emptyState.ciStep')}</Typography>
          <CodeSnippet
            text={ciStepSnippet(props.entityRef)}
            language="bash"
            showCopyCodeButton
          />
        </Box>
      }
    />
  );
}
