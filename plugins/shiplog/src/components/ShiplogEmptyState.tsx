import { CodeSnippet, EmptyState } from '@backstage/core-components';
import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';

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
  return (
    <EmptyState
      missing={props.annotated ? 'data' : 'field'}
      title={
        props.annotated
          ? 'No release events yet'
          : 'Shiplog does not know this component yet'
      }
      description={
        props.annotated
          ? 'The annotations are in place, but no build, image push or deploy has been reported. Add this step to the CI pipeline (or configure the webhooks) and the first release will show here.'
          : 'Add these annotations to catalog-info.yaml so webhooks find the component, and report events from CI with the step below.'
      }
      action={
        <Box maxWidth={820}>
          {!props.annotated && (
            <>
              <Typography variant="subtitle2">catalog-info.yaml</Typography>
              <CodeSnippet
                text={annotationsSnippet(props.entityName)}
                language="yaml"
                showCopyCodeButton
              />
            </>
          )}
          <Typography variant="subtitle2">
            CI step (GitHub Actions, Jenkins, any shell)
          </Typography>
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
