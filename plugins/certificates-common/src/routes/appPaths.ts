import { parseEntityRef } from '@backstage/catalog-model';

/*
 * The frontend's page paths, shared by its route definitions and the links
 * the backend puts into notifications, so both change together. Paths are
 * relative to the app's base URL.
 */

/** The inventory page. */
export const CERTIFICATES_PAGE_PATH = '/certificates';
/** The approvers' page. */
export const APPROVALS_PAGE_PATH = `${CERTIFICATES_PAGE_PATH}/approvals`;
/** The root of trust page. */
export const TRUST_PAGE_PATH = `${CERTIFICATES_PAGE_PATH}/trust`;
/** The Certificates tab, under an entity's page. */
export const ENTITY_CERTIFICATES_TAB_PATH = '/certificates';
/** The search parameter that opens one certificate on the inventory and the tab. */
export const SELECTED_CERTIFICATE_PARAM = 'certificate';

function query(params: Record<string, string | undefined>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value) search.append(key, value);
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}

/** The inventory, optionally with one certificate open and all rows shown. */
export function inventoryPath(
  options: { certificateId?: string; view?: 'all' } = {},
): string {
  return `${CERTIFICATES_PAGE_PATH}${query({
    [SELECTED_CERTIFICATE_PARAM]: options.certificateId,
    view: options.view,
  })}`;
}

/**
 * An entity's Certificates tab (the catalog's entity route), optionally with
 * one certificate open; undefined for a value that is not an entity ref.
 */
export function entityCertificatesPath(
  entityRef: string,
  options: { certificateId?: string } = {},
): string | undefined {
  let ref;
  try {
    ref = parseEntityRef(entityRef);
  } catch {
    return undefined;
  }
  const segment = (value: string) => encodeURIComponent(value);
  return `/catalog/${segment(
    ref.namespace.toLocaleLowerCase('en-US'),
  )}/${segment(ref.kind.toLocaleLowerCase('en-US'))}/${segment(
    ref.name,
  )}${ENTITY_CERTIFICATES_TAB_PATH}${query({
    [SELECTED_CERTIFICATE_PARAM]: options.certificateId,
  })}`;
}
