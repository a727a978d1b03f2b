import { ApiException, CoreV1Api } from '@kubernetes/client-node';

/** The status code and Status body of a call that must fail. */
export async function failure(promise: Promise<unknown>) {
  try {
    await promise;
  } catch (error) {
    const e = error as ApiException<string>;
    return { code: e.code, status: e.body ? JSON.parse(e.body) : undefined };
  }
  throw new Error('expected the call to fail');
}

/** A page of two Secrets of the payments namespace, after `_continue` when given. */
export function paymentsPage(api: CoreV1Api, _continue?: string) {
  return api.listNamespacedSecret({
    namespace: 'payments',
    limit: 2,
    ...(_continue === undefined ? {} : { _continue }),
  });
}
