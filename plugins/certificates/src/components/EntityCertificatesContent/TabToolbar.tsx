import Box from '@material-ui/core/Box';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { EntityRequestsList } from '../Requests';

/**
 * The area above an entity's certificates: the "Request certificate" button
 * and the entity's requests ("My requests") live here. Add their elements
 * below; `entityRef` is the entity the tab is about.
 */
export const TabToolbar = (props: { entity: Entity }) => {
  const entityRef = stringifyEntityRef(props.entity);
  return (
    <Box
      display="flex"
      flexDirection="column"
      style={{ gap: 16 }}
      mb={2}
      data-testid="certificates-tab-toolbar"
      data-entity-ref={entityRef}
    >
      <EntityRequestsList entityRef={entityRef} entity={props.entity} />
    </Box>
  );
};
