import https from 'node:https';
import tls from 'node:tls';
import * as acme from 'acme-client';

/**
 * acme-client talks through one shared axios instance and offers no per-client
 * agent option. One request interceptor routes each request to the agent that
 * trusts the CA bundle configured for that origin; other origins keep Node's
 * default trust store. This avoids NODE_TLS_REJECT_UNAUTHORIZED and
 * NODE_EXTRA_CA_CERTS, which would weaken or widen trust for the whole process.
 */
const agentsByOrigin = new Map<string, https.Agent>();
let interceptorInstalled = false;

/** Requests that hang longer than this fail instead of stalling an issuance. */
export const ACME_REQUEST_TIMEOUT_MS = 30_000;

function installInterceptor() {
  if (interceptorInstalled) {
    return;
  }
  interceptorInstalled = true;
  acme.axios.interceptors.request.use(config => {
    if (config.url) {
      const agent = agentsByOrigin.get(originOf(config.url));
      if (agent) {
        config.httpsAgent = agent;
      }
    }
    if (!config.timeout) {
      config.timeout = ACME_REQUEST_TIMEOUT_MS;
    }
    return config;
  });
}

function originOf(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return '';
  }
}

/**
 * An https agent that trusts the public roots plus `caBundle`, or undefined
 * when there is no bundle (Node's defaults then apply).
 */
export function createTrustAgent(caBundle?: string): https.Agent | undefined {
  if (!caBundle) {
    return undefined;
  }
  return new https.Agent({
    ca: [...tls.rootCertificates, caBundle],
    keepAlive: true,
  });
}

/** Makes acme-client trust `agent` for every request to the origin of `url`. */
export function trustOriginForAcme(url: string, agent: https.Agent | undefined) {
  installInterceptor();
  if (agent) {
    agentsByOrigin.set(originOf(url), agent);
  }
}
