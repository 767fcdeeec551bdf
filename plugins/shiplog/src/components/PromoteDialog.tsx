import { Link, Progress, ResponseErrorPanel } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { CompoundEntityRef } from '@backstage/catalog-model';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Checkbox from '@material-ui/core/Checkbox';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogTitle from '@material-ui/core/DialogTitle';
import FormControlLabel from '@material-ui/core/FormControlLabel';
import List from '@material-ui/core/List';
import ListItem from '@material-ui/core/ListItem';
import ListItemIcon from '@material-ui/core/ListItemIcon';
import ListItemText from '@material-ui/core/ListItemText';
import MenuItem from '@material-ui/core/MenuItem';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import CheckCircleIcon from '@material-ui/icons/CheckCircle';
import BlockIcon from '@material-ui/icons/Block';
import WarningIcon from '@material-ui/icons/Warning';
import Alert from '@material-ui/lab/Alert';
import {
  GuardVerdict,
  Promotion,
  PromotionPreview,
} from '@shiplog/plugin-shiplog-common';
import { useState } from 'react';
import useAsync from 'react-use/esm/useAsync';
import { shiplogApiRef } from '../api/ShiplogApi';
import { CommitList } from './CommitList';
import { plural } from './format';

const GUARD_TITLES: Record<GuardVerdict['guard'], string> = {
  'version-published': 'Version published',
  'no-downgrade': 'No downgrade',
  'environment-order': 'Environment order',
  'no-deploy-label': 'No-deploy labels',
  'version-jump': 'Version jump',
};

function VerdictIcon({ outcome }: { outcome: GuardVerdict['outcome'] }) {
  if (outcome === 'pass') {
    return <CheckCircleIcon style={{ color: '#2e7d32' }} titleAccess="pass" />;
  }
  if (outcome === 'warn') {
    return <WarningIcon style={{ color: '#ed6c02' }} titleAccess="warning" />;
  }
  return <BlockIcon color="error" titleAccess="refused" />;
}

/** Every guard's verdict, refusals and warnings with how to proceed. */
export function GuardVerdicts({ guards }: { guards: GuardVerdict[] }) {
  return (
    <List dense disablePadding>
      {guards.map(verdict => (
        <ListItem
          key={verdict.guard}
          disableGutters
          data-testid={`guard-${verdict.guard}`}
        >
          <ListItemIcon style={{ minWidth: 32 }}>
            <VerdictIcon outcome={verdict.outcome} />
          </ListItemIcon>
          <ListItemText
            // The theme keeps list items on one line; a verdict must be read whole.
            style={{ whiteSpace: 'normal' }}
            primaryTypographyProps={{
              style: { whiteSpace: 'normal', overflowWrap: 'anywhere' },
            }}
            primary={`${GUARD_TITLES[verdict.guard] ?? verdict.guard}: ${
              verdict.message
            }`}
            secondary={
              verdict.outcome === 'pass' ? undefined : verdict.howToProceed
            }
          />
        </ListItem>
      ))}
    </List>
  );
}

function ChangeSummary({ preview }: { preview: PromotionPreview }) {
  const { change } = preview;
  if (!change) {
    return <Alert severity="error">{preview.changeProblem}</Alert>;
  }
  return (
    <Typography variant="body2" color="textSecondary">
      {change.kind === 'pull-request'
        ? `Opens a pull request${change.autoMerge ? ' (auto-merge)' : ''}`
        : 'Commits directly'}{' '}
      on <code>{change.repository}</code>: <code>{change.keyPath}</code> in{' '}
      <code>{change.path}</code> becomes <code>{preview.version}</code>.
    </Typography>
  );
}

function PreviewBody({ preview }: { preview: PromotionPreview }) {
  const { changelog } = preview;
  return (
    <>
      <Typography variant="subtitle1" gutterBottom>
        {preview.fromVersion ?? 'nothing'} → <strong>{preview.version}</strong>{' '}
        in {preview.environment}
      </Typography>
      <ChangeSummary preview={preview} />
      {!preview.allowed && (
        <Alert severity="error" style={{ marginTop: 8 }}>
          You may not promote to {preview.environment} (permission
          shiplog.promotion.create). Ask the component's owners.
        </Alert>
      )}
      {preview.inFlight && (
        <Alert severity="warning" style={{ marginTop: 8 }}>
          Promotion of {preview.inFlight.version} to {preview.environment} is in
          flight ({preview.inFlight.state.replace('_', ' ')}); wait until it is
          deployed or has failed.
        </Alert>
      )}
      <Box mt={2}>
        <Typography variant="subtitle2">Guards</Typography>
        <GuardVerdicts guards={preview.guards} />
      </Box>
      <Box mt={2}>
        <Typography variant="subtitle2" gutterBottom>
          Changelog: {plural(changelog.releases.length, 'release')},{' '}
          {plural(changelog.commits.length, 'commit')},{' '}
          {plural(changelog.pullRequests.length, 'pull request')}
        </Typography>
        {changelog.groups.map(group => (
          <Box key={group.type} mb={1}>
            <Typography variant="overline">{group.title}</Typography>
            <CommitList commits={group.commits} />
          </Box>
        ))}
      </Box>
    </>
  );
}

/**
 * Promote a version to an environment: pick the version, see the changelog and every guard's verdict
 * (a dry run on the backend), then confirm.
 */
export function PromoteDialog(props: {
  entityRef: CompoundEntityRef;
  environment: string;
  /** Releases, newest first. */
  versions: string[];
  defaultVersion?: string;
  open: boolean;
  onClose: () => void;
  onPromoted: (promotion: Promotion) => void;
}) {
  const { entityRef, environment } = props;
  const api = useApi(shiplogApiRef);
  const [version, setVersion] = useState(
    props.defaultVersion ?? props.versions[0] ?? '',
  );
  const [rollback, setRollback] = useState(false);
  const [reason, setReason] = useState('');
  const [submitting, setSubmitting] = useState(false);
  const [submitError, setSubmitError] = useState<Error | undefined>();

  const preview = useAsync(
    async () =>
      props.open && version
        ? api.previewPromotion(entityRef, { version, environment, rollback })
        : undefined,
    [
      api,
      entityRef.kind,
      entityRef.namespace,
      entityRef.name,
      environment,
      version,
      rollback,
      props.open,
    ],
  );

  const confirm = async () => {
    setSubmitting(true);
    setSubmitError(undefined);
    try {
      const promotion = await api.createPromotion(entityRef, {
        version,
        environment,
        rollback,
        reason: reason.trim() || undefined,
      });
      props.onPromoted(promotion);
    } catch (e) {
      setSubmitError(e as Error);
    } finally {
      setSubmitting(false);
    }
  };

  const needsReason = rollback && !reason.trim();
  // Only the preview of the version on screen counts: react-use keeps the last one while the next loads.
  const canConfirm =
    !preview.loading &&
    preview.value?.version === version &&
    Boolean(preview.value?.canProceed) &&
    !needsReason &&
    !submitting;

  return (
    <Dialog open={props.open} onClose={props.onClose} fullWidth maxWidth="md">
      <DialogTitle>Promote to {environment}</DialogTitle>
      <DialogContent dividers>
        <Box display="flex" style={{ gap: 16 }} alignItems="center" mb={2}>
          <TextField
            id="shiplog-promote-version"
            select
            size="small"
            variant="outlined"
            label="Version"
            value={version}
            onChange={e => setVersion(String(e.target.value))}
            style={{ minWidth: 180 }}
            inputProps={{ 'data-testid': 'promote-version' }}
          >
            {(props.versions.includes(version) || !version
              ? props.versions
              : [version, ...props.versions]
            ).map(v => (
              <MenuItem key={v} value={v}>
                {v}
              </MenuItem>
            ))}
          </TextField>
          <FormControlLabel
            control={
              <Checkbox
                checked={rollback}
                onChange={e => setRollback(e.target.checked)}
              />
            }
            label="Rollback (allow an older version)"
          />
        </Box>
        <TextField
          id="shiplog-promote-reason"
          fullWidth
          size="small"
          variant="outlined"
          label={rollback ? 'Reason (required for a rollback)' : 'Reason'}
          value={reason}
          onChange={e => setReason(e.target.value)}
          style={{ marginBottom: 16 }}
        />
        {preview.loading && <Progress />}
        {preview.error && <ResponseErrorPanel error={preview.error} />}
        {preview.value && <PreviewBody preview={preview.value} />}
        {submitError && (
          <Alert severity="error" style={{ marginTop: 16 }}>
            {submitError.message}
          </Alert>
        )}
      </DialogContent>
      <DialogActions>
        <Button onClick={props.onClose}>Cancel</Button>
        <Button
          color="primary"
          variant="contained"
          disabled={!canConfirm}
          onClick={confirm}
        >
          {rollback ? 'Roll back' : 'Promote'} {version} to {environment}
        </Button>
      </DialogActions>
    </Dialog>
  );
}

/** Links of a promotion: its pull request or commit, and the sync that deployed it. */
export function PromotionLinks({ promotion }: { promotion: Promotion }) {
  const { change, deployment } = promotion;
  const links: Array<[string, string]> = [];
  if (change?.url) {
    links.push([
      change.kind === 'pull-request'
        ? `pull request #${change.number ?? ''}`.trim()
        : 'commit',
      change.url,
    ]);
  }
  if (deployment?.runUrl) links.push(['sync', deployment.runUrl]);
  // A plain Git host has no page to link to: name the commit.
  const commit =
    change && !change.url && change.commitSha
      ? `commit ${change.commitSha.slice(0, 7)}`
      : undefined;
  return (
    <>
      {commit && <span title={change?.commitSha}>{commit}</span>}
      {links.map(([label, url], index) => (
        <span key={url}>
          {(index > 0 || commit) && ' · '}
          <Link to={url}>{label}</Link>
        </span>
      ))}
    </>
  );
}

/** The Promote button of an environment column. */
export function PromoteButton({ onClick }: { onClick: () => void }) {
  return (
    <Box mt={1}>
      <Button size="small" variant="outlined" color="primary" onClick={onClick}>
        Promote
      </Button>
    </Box>
  );
}
