import {
  coreServices,
  createBackendModule,
  LoggerService,
} from '@backstage/backend-plugin-api';
import { eventsExtensionPoint } from '@backstage/plugin-events-node/alpha';
import { createSecretValidator } from './secretValidator';

/** Header Harbor sends its configured "Auth Header" value in. */
export const HARBOR_SECRET_HEADER = 'authorization';
/** Header the Argo CD notification template sets (see the README). */
export const ARGOCD_SECRET_HEADER = 'x-shiplog-secret';

/**
 * Registers `POST /api/events/http/harbor` and `POST /api/events/http/argocd` in Backstage's events
 * system. Each checks its shared secret in constant time; without a configured secret it refuses
 * everything, so an ingress is never open by accident.
 *
 * @public
 */
export const eventsModuleShiplog = createBackendModule({
  pluginId: 'events',
  moduleId: 'shiplog',
  register(env) {
    env.registerInit({
      deps: {
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        events: eventsExtensionPoint,
      },
      async init({ config, logger, events }) {
        const harborSecret = config.getOptionalString(
          'shiplog.webhooks.harbor.secret',
        );
        const argocdSecret = config.getOptionalString(
          'shiplog.webhooks.argocd.secret',
        );
        events.addHttpPostIngress({
          topic: 'harbor',
          validator: createSecretValidator({
            header: HARBOR_SECRET_HEADER,
            secret: harborSecret,
            allowBearer: true,
            configKey: 'shiplog.webhooks.harbor.secret',
          }),
        });
        events.addHttpPostIngress({
          topic: 'argocd',
          validator: createSecretValidator({
            header: ARGOCD_SECRET_HEADER,
            secret: argocdSecret,
            configKey: 'shiplog.webhooks.argocd.secret',
          }),
        });
        logDisabledIngresses(logger, {
          harbor: harborSecret,
          argocd: argocdSecret,
          github: config.getOptionalString(
            'events.modules.github.webhookSecret',
          ),
        });
      },
    });
  },
});

/**
 * Says at start which webhook ingresses refuse everything for want of a secret, so a production
 * deployment with an unset variable shows it in the first lines of its log instead of silently.
 */
export function logDisabledIngresses(
  logger: LoggerService,
  secrets: { harbor?: string; argocd?: string; github?: string },
): void {
  const disabled = [
    !secrets.harbor && 'harbor (shiplog.webhooks.harbor.secret)',
    !secrets.argocd && 'argocd (shiplog.webhooks.argocd.secret)',
    !secrets.github &&
      'github (events.modules.github.webhookSecret; Backstage registers no GitHub ingress without it)',
  ].filter(Boolean);
  if (disabled.length) {
    logger.warn(
      `Shiplog webhook ingresses disabled, refusing every request until their secret is set: ${disabled.join(
        ', ',
      )}`,
    );
  } else {
    logger.info('Shiplog webhook ingresses enabled: harbor, argocd, github');
  }
}
