export {
  REQUEST_TRANSITIONS,
  canTransition,
  refusedTransitions,
} from './requestTransitions';
