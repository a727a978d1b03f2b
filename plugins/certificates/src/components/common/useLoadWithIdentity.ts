import { DependencyList } from 'react';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { identityApiRef, useApi } from '@backstage/core-plugin-api';
import { CertificatesApi, certificatesApiRef } from '../../api';

/**
 * Loads from the certificates API and, in parallel, the signed-in user's
 * identity, for views that mark what is the user's own. The identity only
 * labels rows here; the backend decides what the user may do.
 */
export function useLoadWithIdentity<T>(
  load: (api: CertificatesApi) => Promise<T>,
  deps: DependencyList = [],
) {
  const api = useApi(certificatesApiRef);
  const identityApi = useApi(identityApiRef);
  return useAsyncRetry(async () => {
    const [data, identity] = await Promise.all([
      load(api),
      identityApi.getBackstageIdentity(),
    ]);
    return { data, identity };
  }, [api, identityApi, ...deps]);
}
