import { mockServices } from '@backstage/backend-test-utils';
import { logDisabledIngresses } from './module';

describe('logDisabledIngresses', () => {
  it('names every ingress without a secret in one warning at start', () => {
    const logger = mockServices.logger.mock();
    logDisabledIngresses(logger, { argocd: 's' });
    expect(logger.warn).toHaveBeenCalledTimes(1);
    const [message] = logger.warn.mock.calls[0];
    expect(message).toContain('harbor (shiplog.webhooks.harbor.secret)');
    expect(message).toContain('github (events.modules.github.webhookSecret');
    expect(message).not.toContain('argocd');
  });

  it('says all are enabled when every secret is set', () => {
    const logger = mockServices.logger.mock();
    logDisabledIngresses(logger, { harbor: 'a', argocd: 'b', github: 'c' });
    expect(logger.warn).not.toHaveBeenCalled();
    expect(logger.info).toHaveBeenCalledWith(
      'Shiplog webhook ingresses enabled: harbor, argocd, github',
    );
  });
});
