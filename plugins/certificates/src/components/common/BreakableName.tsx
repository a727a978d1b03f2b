import { Fragment } from 'react';

// Browsers also break after a hyphen, which splits `payments-api` into
// `payments-` / `api`; `wholeWords` keeps such a piece in one line.
const WHOLE = { whiteSpace: 'nowrap' } as const;

/**
 * A host name, entity reference or account name (or a list of them) that may
 * wrap after a dot, colon, slash or space, never inside a label:
 * `payments-api.prod.example.com` in a narrow column breaks as
 * `payments-api.prod.` / `example.com`, not `payments-api.pr` / `od.exam…`.
 * With `wholeWords` not after a hyphen either (`payments-` / `api`), for
 * entity refs in narrow columns; a hyphenated piece is then its own element.
 * Rendered as text with <wbr> break hints, never as HTML.
 */
export const BreakableName = (props: {
  text: string;
  wholeWords?: boolean;
}) => {
  const parts = props.text.split(/(?<=[.:/\s])/);
  const keep = (part: string) => props.wholeWords && part.includes('-');
  if (parts.length === 1 && !keep(props.text)) return <>{props.text}</>;
  return (
    <>
      {parts.map((part, i) => (
        <Fragment key={i}>
          {i > 0 && <wbr />}
          {keep(part) ? <span style={WHOLE}>{part}</span> : part}
        </Fragment>
      ))}
    </>
  );
};
