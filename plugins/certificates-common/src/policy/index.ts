export { selectPolicy, selectorMatches } from './selectPolicy';
export {
  evaluateRequest,
  suggestDnsNames,
  DEFAULT_KEY_ALGORITHMS,
  DEFAULT_MAX_VALIDITY_DAYS,
  DEFAULT_ALLOWED_NAMESPACES,
} from './evaluateRequest';
export type { EvaluationContext } from './evaluateRequest';
export { expandTemplate, matchesPattern, templateContext } from './templates';
export type { TemplateContext } from './templates';
