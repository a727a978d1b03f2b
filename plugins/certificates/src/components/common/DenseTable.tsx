import { Table, TableProps } from '@backstage/core-components';

/** A short list shown whole: no paging, no search box, dense rows. */
export function DenseTable<T extends object>(
  props: Omit<TableProps<T>, 'options'>,
) {
  return (
    <Table<T>
      {...props}
      options={{ paging: false, search: false, padding: 'dense' }}
    />
  );
}
