import { useEffect, useState } from 'react';
import TextField from '@material-ui/core/TextField';
import useDebounce from 'react-use/esm/useDebounce';

/**
 * The free-text search over certificates. Typing is debounced: the table is
 * asked again once the user pauses, not on every key.
 */
export const SearchField = (props: {
  value: string;
  onChange: (q: string) => void;
}) => {
  const { value, onChange } = props;
  const [text, setText] = useState(value);

  useEffect(() => setText(value), [value]);
  useDebounce(
    () => {
      if (text !== value) onChange(text);
    },
    300,
    [text],
  );

  return (
    <TextField
      label="Search"
      placeholder="Name, SAN, secret, namespace"
      variant="outlined"
      size="small"
      value={text}
      onChange={e => setText(e.target.value)}
      inputProps={{ 'aria-label': 'Search certificates' }}
    />
  );
};
