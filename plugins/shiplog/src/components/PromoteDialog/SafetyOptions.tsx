import { useTranslationRef } from '@backstage/core-plugin-api/alpha';
import Checkbox from '@material-ui/core/Checkbox';
import FormControlLabel from '@material-ui/core/FormControlLabel';
import Alert from '@material-ui/lab/Alert';
import { PromotionPreview } from '@shiplog/plugin-shiplog-common';
import { shiplogTranslationRef } from '../../translation';
import { exactTime } from '../../utils/format';

/**
 * The safety net in the Promote dialog: the freeze in force (with the override checkbox), whether a
 * rollback holds the environment, and that an approver will decide.
 */
export function SafetyOptions(props: {
  environment: string;
  preview?: PromotionPreview;
  rollback: boolean;
  overrideFreeze: boolean;
  onOverrideFreezeChange: (override: boolean) => void;
  hold: boolean;
  onHoldChange: (hold: boolean) => void;
}) {
  const { t } = useTranslationRef(shiplogTranslationRef);
  const { environment, preview } = props;
  const freeze = preview?.freeze?.active ? preview.freeze : undefined;
  return (
    <>
      {freeze && (
        <Alert severity="warning">
          {t('promote.frozen', {
            environment,
            name: freeze.name,
            to: exactTime(freeze.to),
          })}
          <FormControlLabel
            control={
              <Checkbox
                checked={props.overrideFreeze}
                onChange={e => props.onOverrideFreezeChange(e.target.checked)}
                inputProps={
                  { 'data-testid': 'override-freeze' } as Record<string, string>
                }
              />
            }
            label={t('promote.overrideFreeze')}
          />
        </Alert>
      )}
      {props.rollback && (
        <FormControlLabel
          control={
            <Checkbox
              checked={props.hold}
              onChange={e => props.onHoldChange(e.target.checked)}
            />
          }
          label={t('promote.holdAfterRollback', { environment })}
        />
      )}
      {preview?.awaitsApproval && (
        <Alert severity="info">
          {t('promote.awaitsApproval', { environment })}
        </Alert>
      )}
    </>
  );
}
