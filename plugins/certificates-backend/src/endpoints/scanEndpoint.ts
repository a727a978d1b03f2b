import { lookup } from 'dns/promises';
import { isIP } from 'net';
import { connect, DetailedPeerCertificate } from 'tls';
import {
  addressAllowed,
  AddressRules,
  EndpointError,
  EndpointTarget,
  isIpLiteral,
} from '@kubecerts/backstage-plugin-certificates-common';

/** What one TLS handshake showed. No application data is ever sent. */
export interface ScanResult {
  /** The address connected to (or that was refused). */
  address?: string;
  /** The certificates the server sent, leaf first, as PEM. */
  chainPem?: string;
  error?: EndpointError;
  durationMs: number;
}

export interface ScanOptions extends AddressRules {
  /** Connect and handshake together, in milliseconds. */
  timeoutMs: number;
  /** Name resolution; replaced in tests to point names at 127.0.0.1. */
  resolve?: (host: string) => Promise<string>;
}

async function defaultResolve(host: string): Promise<string> {
  return (await lookup(host)).address;
}

function pem(raw: Buffer): string {
  const b64 = raw.toString('base64').replace(/(.{64})/g, '$1\n');
  return `-----BEGIN CERTIFICATE-----\n${b64.replace(
    /\n$/,
    '',
  )}\n-----END CERTIFICATE-----\n`;
}

/** The chain as sent, leaf first, stopping at a self-issued certificate. */
function servedChain(peer: DetailedPeerCertificate): string {
  const out: string[] = [];
  const seen = new Set<string>();
  let cert: DetailedPeerCertificate | undefined = peer;
  while (cert?.raw && !seen.has(cert.fingerprint256) && out.length < 16) {
    seen.add(cert.fingerprint256);
    out.push(pem(cert.raw));
    cert = cert.issuerCertificate;
  }
  return out.join('');
}

function classify(error: NodeJS.ErrnoException): EndpointError {
  const code = error.code ?? '';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'ENODATA') {
    return { kind: 'dns', detail: code };
  }
  if (code === 'ECONNREFUSED') return { kind: 'refused', detail: code };
  if (code === 'ETIMEDOUT') return { kind: 'timeout', detail: code };
  if (
    code.startsWith('ERR_SSL') ||
    code === 'ECONNRESET' ||
    code === 'EPROTO' ||
    /ssl|tls|handshake|socket disconnected/i.test(error.message)
  ) {
    return { kind: 'handshake', detail: code || error.message };
  }
  return { kind: 'other', detail: code || error.message };
}

/**
 * One TLS handshake with `target`: SNI is the host; the certificate is not
 * verified here (rejectUnauthorized false) because the product judges the
 * chain itself against its approved roots. The name is resolved once, the
 * address checked, and that same address connected to.
 */
export async function scanEndpoint(
  target: EndpointTarget,
  options: ScanOptions,
): Promise<ScanResult> {
  const started = Date.now();
  const done = (r: Omit<ScanResult, 'durationMs'>): ScanResult => ({
    ...r,
    durationMs: Date.now() - started,
  });
  let address: string;
  try {
    address = isIpLiteral(target.host)
      ? target.host
      : await (options.resolve ?? defaultResolve)(target.host);
  } catch (e) {
    return done({ error: classify(e as NodeJS.ErrnoException) });
  }
  const verdict = addressAllowed(address, options);
  if (!verdict.allowed) {
    return done({
      address,
      error: { kind: 'address-not-allowed', detail: verdict.reason },
    });
  }
  return new Promise(resolve => {
    let settled = false;
    const socket = connect({
      host: address,
      port: target.port,
      // SNI takes names only (RFC 6066).
      servername: isIP(target.host) ? undefined : target.host,
      rejectUnauthorized: false,
    });
    // One limit for connect and handshake together; ends in 'error' below.
    const timer = setTimeout(
      () =>
        socket.destroy(
          Object.assign(new Error('no TLS handshake in time'), {
            code: 'ETIMEDOUT',
          }),
        ),
      options.timeoutMs,
    );
    const finish = (r: Omit<ScanResult, 'durationMs' | 'address'>) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(done({ address, ...r }));
    };
    socket.once('secureConnect', () => {
      const peer = socket.getPeerCertificate(true);
      finish(
        peer?.raw
          ? { chainPem: servedChain(peer) }
          : { error: { kind: 'handshake', detail: 'no certificate sent' } },
      );
    });
    socket.once('error', e => finish({ error: classify(e) }));
    socket.once('close', () =>
      finish({
        error: { kind: 'handshake', detail: 'connection closed' },
      }),
    );
  });
}

/** Runs `fn` over `items` with at most `limit` at a time, results in order. */
export async function mapWithLimit<T, R>(
  items: T[],
  limit: number,
  fn: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]);
    }
  };
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, worker),
  );
  return results;
}
