import { ReactNode } from 'react';
import { Content, Header, Page } from '@backstage/core-components';

/**
 * The frame of a page of its own, for apps on the legacy frontend system;
 * the new frontend system draws its own around the same content.
 */
export const LegacyPage = (props: {
  title: string;
  subtitle: string;
  /** Header labels, e.g. a count. */
  labels?: ReactNode;
  children: ReactNode;
}) => (
  <Page themeId="tool">
    <Header title={props.title} subtitle={props.subtitle}>
      {props.labels}
    </Header>
    <Content>{props.children}</Content>
  </Page>
);
