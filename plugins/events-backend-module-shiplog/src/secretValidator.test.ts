import { createSecretValidator, secretsEqual } from './secretValidator';

async function validate(
  validator: ReturnType<typeof createSecretValidator>,
  headers: Record<string, string>,
) {
  const reject = jest.fn();
  await validator(
    { body: {}, headers, raw: { body: Buffer.from('{}'), encoding: 'utf-8' } },
    { reject },
  );
  return reject;
}

describe('createSecretValidator', () => {
  const argocd = createSecretValidator({
    header: 'x-shiplog-secret',
    secret: 's3cret',
    configKey: 'shiplog.webhooks.argocd.secret',
  });

  it('lets the right secret through', async () => {
    expect(
      await validate(argocd, { 'x-shiplog-secret': 's3cret' }),
    ).not.toHaveBeenCalled();
  });

  it.each([
    [{}],
    [{ 'x-shiplog-secret': 's3cre' }],
    [{ 'x-shiplog-secret': 's3cret ' }],
    [{ 'x-other': 's3cret' }],
  ])('refuses %j with 401', async headers => {
    expect(await validate(argocd, headers)).toHaveBeenCalledWith(
      expect.objectContaining({ status: 401 }),
    );
  });

  it('refuses everything with 403 when no secret is configured', async () => {
    const open = createSecretValidator({
      header: 'authorization',
      secret: undefined,
      configKey: 'shiplog.webhooks.harbor.secret',
    });
    const reject = await validate(open, { authorization: '' });
    expect(reject).toHaveBeenCalledWith({
      status: 403,
      payload: {
        message: expect.stringContaining('shiplog.webhooks.harbor.secret'),
      },
    });
  });

  it('accepts a Bearer scheme only where allowed', async () => {
    const harbor = createSecretValidator({
      header: 'authorization',
      secret: 'h',
      allowBearer: true,
      configKey: 'k',
    });
    expect(
      await validate(harbor, { authorization: 'Bearer h' }),
    ).not.toHaveBeenCalled();
    expect(
      await validate(harbor, { authorization: 'h' }),
    ).not.toHaveBeenCalled();
    expect(
      await validate(argocd, { 'x-shiplog-secret': 'Bearer s3cret' }),
    ).toHaveBeenCalled();
  });
});

describe('secretsEqual', () => {
  it('compares whole values of any length', () => {
    expect(secretsEqual('abc', 'abc')).toBe(true);
    expect(secretsEqual('abc', 'abcd')).toBe(false);
    expect(secretsEqual('', 'abc')).toBe(false);
  });
});
