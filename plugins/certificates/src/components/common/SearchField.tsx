import { useEffect, useState } from 'react';
import TextField from '@material-ui/core/TextField';
import useDebounce from 'react-use/esm/useDebounce';

/**
 * A table's free-text search (certificates by default). Typing is debounced:
 * the table is asked again once the user pauses, not on every key.
 */
export const SearchField = (props: {
  value: string;
  onChange: (q: string) => void;
  placeholder?: string;
  ariaLabel?: string;
}) => {
  const {
    value,
    onChange,
    placeholder = 'Name, SAN, secret, namespace',
    ariaLabel = 'Search certificates',
  } = props;
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
      placeholder={placeholder}
      variant="outlined"
      size="small"
      value={text}
      onChange={e => setText(e.target.value)}
      inputProps={{ 'aria-label': ariaLabel }}
    />
  );
};
