const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** Why a value is not a DNS-1123 label (e.g. a namespace), or undefined. */
export function dns1123LabelProblem(value: string): string | undefined {
  if (!value) {
    return 'is empty';
  }
  if (value.length > 63) {
    return 'is longer than 63 characters';
  }
  if (!DNS1123_LABEL.test(value)) {
    return 'must consist of lower-case letters, digits and -, and start and end with a letter or digit';
  }
  return undefined;
}

/** Why a value is not a DNS-1123 subdomain (e.g. a Secret name), or undefined. */
export function dns1123SubdomainProblem(value: string): string | undefined {
  if (!value) {
    return 'is empty';
  }
  if (value.length > 253) {
    return 'is longer than 253 characters';
  }
  if (!value.split('.').every(part => DNS1123_LABEL.test(part))) {
    return 'must consist of lower-case letters, digits, - and ., and start and end with a letter or digit';
  }
  return undefined;
}

export function isValidNamespace(value: string): boolean {
  return dns1123LabelProblem(value) === undefined;
}

export function isValidSecretName(value: string): boolean {
  return dns1123SubdomainProblem(value) === undefined;
}
