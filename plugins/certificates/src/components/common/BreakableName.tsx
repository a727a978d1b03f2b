import { Fragment } from 'react';

/**
 * A host name, entity reference or account name (or a list of them) that may
 * wrap after a dot, colon or slash, never inside a label:
 * `payments-api.prod.example.com` in a narrow column breaks as
 * `payments-api.prod.` / `example.com`, not `payments-api.pr` / `od.exam…`.
 * Rendered as text with <wbr> break hints, never as HTML.
 */
export const BreakableName = (props: { text: string }) => {
  const parts = props.text.split(/(?<=[.:/])/);
  if (parts.length === 1) return <>{props.text}</>;
  return (
    <>
      {parts.map((part, i) => (
        <Fragment key={i}>
          {i > 0 && <wbr />}
          {part}
        </Fragment>
      ))}
    </>
  );
};
