/**
 * The one place the Certificates tab's code is imported from. The tab's
 * extension and the health card's prefetch must share this import: the
 * bundler gives each import() call site its own chunks, and a prefetch from a
 * second site would fetch code the tab then fetches again.
 */
export const loadEntityCertificatesContent = () =>
  import('./EntityCertificatesContent');
