/**
 * Whether a nav item should be highlighted only on its own path, not on the
 * paths below it: true when another item lives below it (the inventory at
 * /certificates and the approvals at /certificates/approvals), so that only
 * the deeper item is highlighted there.
 */
export function matchesOwnPathOnly(href: string, allHrefs: string[]): boolean {
  const base = href.replace(/\/+$/, '');
  return allHrefs.some(other => other !== href && other.startsWith(`${base}/`));
}
