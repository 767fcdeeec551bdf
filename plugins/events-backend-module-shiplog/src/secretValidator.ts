import {
  RequestDetails,
  RequestValidationContext,
  RequestValidator,
} from '@backstage/plugin-events-node';
import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * Compares in constant time. Both sides are hashed first so that neither the secret's length nor
 * the position of the first differing byte shows in the timing.
 */
export function secretsEqual(received: string, expected: string): boolean {
  const a = createHash('sha256').update(received, 'utf8').digest();
  const b = createHash('sha256').update(expected, 'utf8').digest();
  return timingSafeEqual(a, b);
}

export interface SecretValidatorOptions {
  /** Lower-case header carrying the secret. */
  header: string;
  /** Undefined when not configured: then every request is refused. */
  secret: string | undefined;
  /** Also accept `Bearer <secret>` (Harbor's auth header is sent verbatim, often with a scheme). */
  allowBearer?: boolean;
  /** Names the config key in the rejection, so an operator knows what to set. */
  configKey: string;
}

/** A validator for Backstage's HTTP ingress that checks a shared secret header. */
export function createSecretValidator(
  options: SecretValidatorOptions,
): RequestValidator {
  return async (request: RequestDetails, context: RequestValidationContext) => {
    if (!options.secret) {
      context.reject({
        status: 403,
        payload: {
          message: `This webhook is disabled: ${options.configKey} is not configured`,
        },
      });
      return;
    }
    const raw = request.headers[options.header];
    const value = Array.isArray(raw) ? raw[0] : raw;
    const candidates = value ? [value] : [];
    if (value && options.allowBearer && /^bearer\s+/i.test(value)) {
      candidates.push(value.replace(/^bearer\s+/i, ''));
    }
    // Every candidate is compared, so the work does not depend on which one matches.
    const matches = candidates.map(candidate =>
      secretsEqual(candidate, options.secret!),
    );
    if (!matches.includes(true)) {
      context.reject({
        status: 401,
        payload: {
          message: `Missing or wrong secret in the ${options.header} header`,
        },
      });
    }
  };
}
