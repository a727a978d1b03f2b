import { InputError, isError, ServiceUnavailableError } from '@backstage/errors';

/** Node / OpenSSL error codes that mean the server could not be reached or trusted. */
const TRANSPORT_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
  'ERR_BAD_RESPONSE',
]);

const TLS_CODES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

function codeOf(e: unknown): string | undefined {
  const code = (e as { code?: unknown } | undefined)?.code;
  if (typeof code === 'string') {
    return code;
  }
  const cause = (e as { cause?: unknown } | undefined)?.cause;
  return cause ? codeOf(cause) : undefined;
}

/**
 * Turns whatever acme-client or the network threw into an error the backend
 * renders well: ServiceUnavailableError when the server cannot be reached or
 * trusted (worth retrying later), InputError when the ACME server refused
 * what was asked (it will refuse again).
 */
export function describeAcmeFailure(options: {
  issuerId: string;
  directoryUrl: string;
  action: string;
  error: unknown;
}): Error {
  const { issuerId, directoryUrl, action, error } = options;
  if (isError(error) && ['InputError', 'ServiceUnavailableError', 'NotFoundError'].includes(error.name)) {
    return error;
  }
  const message = isError(error) ? error.message : String(error);
  const code = codeOf(error);
  const prefix = `ACME issuer '${issuerId}' could not ${action}`;
  if (code && TLS_CODES.has(code)) {
    return new ServiceUnavailableError(
      `${prefix}: the TLS certificate of ${directoryUrl} is not trusted (${code}); set caBundle for this issuer`,
    );
  }
  if ((code && TRANSPORT_CODES.has(code)) || /timeout|socket hang up/i.test(message)) {
    return new ServiceUnavailableError(
      `${prefix}: ${directoryUrl} is unreachable (${code ?? message})`,
    );
  }
  return new InputError(`${prefix}: the ACME server answered: ${message}`);
}
