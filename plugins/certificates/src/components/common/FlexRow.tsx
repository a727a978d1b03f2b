import Box, { BoxProps } from '@material-ui/core/Box';

export type FlexRowProps = BoxProps & {
  /** Space between the items, in pixels. */
  gap?: number;
};

/**
 * Items side by side, centred on the line, `gap` apart: the Box of MUI v4 has
 * no gap of its own, so every toolbar would otherwise spell it out.
 */
export const FlexRow = ({ gap = 8, style, ...props }: FlexRowProps) => (
  <Box
    display="flex"
    alignItems="center"
    style={{ gap, ...style }}
    {...props}
  />
);
