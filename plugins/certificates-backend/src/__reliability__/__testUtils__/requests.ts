import { generateKeyAndCsr } from '../../delivery/keyAndCsr';
import { x509 } from '../../pki';
import { ReliabilityBackend, eventually } from './backend';
import { CERT_MANAGER_ISSUER, CLUSTER, ENTITIES } from './world';

export const PAYMENTS_NAME = 'payments-api.shop.example.com';
export const CHECKOUT_NAME = 'checkout-web.shop.example.com';

/** A Secret delivery into the simulated cluster. */
export function secretIn(namespace: string, secretName: string) {
  return { kind: 'secret', cluster: CLUSTER, namespace, secretName };
}

/** A request body for `name` of `entityRef`, delivered as a Secret; fields may be replaced. */
export function secretRequestBody(
  entityRef: string,
  name: string,
  delivery: ReturnType<typeof secretIn>,
  overrides: Record<string, unknown> = {},
) {
  return {
    entityRef,
    commonName: name,
    dnsNames: [name],
    keyAlgorithm: 'ECDSA-P256',
    validityDays: 30,
    issuer: 'builtin',
    delivery,
    ...overrides,
  };
}

/** A request body for payments-api; `delivery` and fields may be replaced. */
export const paymentsBody = (overrides: Record<string, unknown> = {}) =>
  secretRequestBody(
    ENTITIES.paymentsApi,
    PAYMENTS_NAME,
    secretIn('payments', 'payments-api-tls'),
    overrides,
  );

export const checkoutBody = (overrides: Record<string, unknown> = {}) =>
  secretRequestBody(
    ENTITIES.checkoutWeb,
    CHECKOUT_NAME,
    secretIn('storefront', 'checkout-web-tls'),
    overrides,
  );

export const certManagerDelivery = (secretName: string) => ({
  issuer: CERT_MANAGER_ISSUER,
  delivery: {
    kind: 'cert-manager',
    cluster: CLUSTER,
    namespace: 'payments',
    secretName,
  },
});

/** A CSR made by the requester (their key never reaches the backend). */
export async function requesterCsr(
  commonName: string,
  dnsNames = [commonName],
) {
  return generateKeyAndCsr({
    keyAlgorithm: 'ECDSA-P256',
    commonName,
    dnsNames,
  });
}

/** A CSR for payments-api made by its requester, and the body that submits it. */
export async function paymentsCsr() {
  const csr = await requesterCsr(PAYMENTS_NAME);
  return {
    ...csr,
    body: paymentsBody({ delivery: { kind: 'csr', csr: csr.csrPem } }),
  };
}

/** Waits for a request to reach one of `states`; returns it. */
export async function requestIn(
  backend: ReliabilityBackend,
  id: string,
  states: string[],
  who = 'sam',
) {
  return eventually(async () => {
    const res = await backend.get(who, `/requests/${id}`);
    const state = res.body?.request?.state;
    if (!states.includes(state)) {
      throw new Error(
        `request ${id} is ${state}, waiting for ${states.join('/')}`,
      );
    }
    return res.body.request;
  }, 15_000);
}

/** The inventory rows of a namespace (as an approver sees them). */
export async function inventoryRows(
  backend: ReliabilityBackend,
  namespace: string,
) {
  const res = await backend.get(
    'sam',
    `/certificates?namespace=${namespace}&limit=500`,
  );
  return (res.body?.items ?? []) as Array<Record<string, any>>;
}

export async function inventoryRow(
  backend: ReliabilityBackend,
  namespace: string,
  secretName: string,
) {
  return eventually(async () => {
    const row = (await inventoryRows(backend, namespace)).find(
      r => r.secretName === secretName,
    );
    if (!row)
      throw new Error(`no inventory row for ${namespace}/${secretName} yet`);
    return row;
  }, 15_000);
}

/** Serial numbers on the built-in CA's CRL (lowercase hex). */
export async function crlSerials(
  backend: ReliabilityBackend,
): Promise<string[]> {
  const der = await backend.getBuffer('/crl/builtin');
  const crl = new x509.X509Crl(der);
  return crl.entries.map(e => e.serialNumber.toLowerCase()).sort();
}

/** Every value anywhere in a JSON value, for checks that should not depend on field names. */
export function deepEntries(
  value: unknown,
  path = '',
): Array<[string, unknown]> {
  if (Array.isArray(value)) {
    return value.flatMap((v, i) => deepEntries(v, `${path}[${i}]`));
  }
  if (value && typeof value === 'object') {
    return Object.entries(value).flatMap(([k, v]) =>
      deepEntries(v, path ? `${path}.${k}` : k),
    );
  }
  return [[path, value]];
}
