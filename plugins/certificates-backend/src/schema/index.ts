export { assertMatchesSpec, createSpecRouter } from './specRouter';
