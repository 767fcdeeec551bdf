import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { resolve } from 'path';
import { seedDemoGitOps } from './demoGitOps';
import { demoHistory } from './demoHistory';

const BATCH = 500;

/**
 * Seeds the demo portal's release history at start-up, through Shiplog's public ingest API with the
 * CI token from `backend.auth.externalAccess`, exactly as a CI job would. Enabled by
 * `shiplogDemo.seed`; event ids are stable, so a restart adds nothing.
 */
export default createBackendModule({
  pluginId: 'shiplog',
  moduleId: 'demo-data',
  register(env) {
    env.registerInit({
      deps: {
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        lifecycle: coreServices.lifecycle,
        discovery: coreServices.discovery,
      },
      async init({ config, logger, lifecycle, discovery }) {
        if (!config.getOptionalBoolean('shiplogDemo.seed')) {
          return;
        }
        const token = config
          .getOptionalConfigArray('backend.auth.externalAccess')
          ?.find(access => access.getString('type') === 'static')
          ?.getString('options.token');
        if (!token) {
          logger.warn(
            'Demo seeding skipped: no static token in backend.auth.externalAccess',
          );
          return;
        }
        lifecycle.addStartupHook(async () => {
          const baseUrl = await discovery.getBaseUrl('shiplog');
          const events = demoHistory();
          let accepted = 0;
          try {
            for (let i = 0; i < events.length; i += BATCH) {
              const response = await fetch(`${baseUrl}/v1/events`, {
                method: 'POST',
                headers: {
                  'content-type': 'application/json',
                  authorization: `Bearer ${token}`,
                },
                body: JSON.stringify({ events: events.slice(i, i + BATCH) }),
              });
              if (!response.ok) {
                throw new Error(
                  `HTTP ${response.status}: ${await response.text()}`,
                );
              }
              accepted += ((await response.json()) as { accepted: number })
                .accepted;
            }
            logger.info(
              `Demo history: ${events.length} events sent, ${accepted} new`,
            );
            // The GitOps repository the Argo CD simulator watches, at the versions the history deployed.
            const gitopsDir = process.env.SHIPLOG_GITOPS_DIR;
            if (gitopsDir) {
              const created = await seedDemoGitOps(resolve(gitopsDir), events);
              logger.info(
                `Demo GitOps repository ${
                  created ? 'created' : 'already there'
                } in ${gitopsDir}`,
              );
            }
          } catch (error) {
            logger.error('Demo history could not be seeded', error as Error);
          }
        });
      },
    });
  },
});
