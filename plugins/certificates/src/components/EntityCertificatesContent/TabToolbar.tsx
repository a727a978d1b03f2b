import Box from '@material-ui/core/Box';
import { ResponseErrorPanel } from '@backstage/core-components';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { useLazyModule } from '../common/useLazyModule';

// The requests list brings the request form with it: a chunk of its own,
// fetched beside the certificates instead of before them.
const loadRequestsList = () => import('../Requests/EntityRequestsList');

/**
 * The area above an entity's certificates: the "Request certificate" button
 * and the entity's requests ("My requests") live here. Add their elements
 * below; `entityRef` is the entity the tab is about.
 */
export const TabToolbar = (props: { entity: Entity }) => {
  const entityRef = stringifyEntityRef(props.entity);
  const requests = useLazyModule(loadRequestsList);
  const EntityRequestsList = requests.value?.EntityRequestsList;
  return (
    <Box
      display="flex"
      flexDirection="column"
      style={{ gap: 16 }}
      mb={2}
      data-testid="certificates-tab-toolbar"
      data-entity-ref={entityRef}
    >
      {requests.error && <ResponseErrorPanel error={requests.error} />}
      {EntityRequestsList && (
        <EntityRequestsList entityRef={entityRef} entity={props.entity} />
      )}
    </Box>
  );
};
