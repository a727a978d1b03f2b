/** Namespaces discovery looks at: include (all when empty) minus exclude; `*` ends a prefix. */
export class NamespaceFilter {
  constructor(
    private readonly include: string[] = [],
    private readonly exclude: string[] = [],
  ) {}

  private static matches(pattern: string, namespace: string): boolean {
    return pattern.endsWith('*')
      ? namespace.startsWith(pattern.slice(0, -1))
      : pattern === namespace;
  }

  allows(namespace: string): boolean {
    if (this.exclude.some(p => NamespaceFilter.matches(p, namespace)))
      return false;
    return (
      this.include.length === 0 ||
      this.include.some(p => NamespaceFilter.matches(p, namespace))
    );
  }
}
