/** The settings' tables: a header row of column names, one row per item, and a row action button. */
import type { ReactNode } from 'react';
import { TableHead } from '../shell/table-head';

export interface TableRow {
  key: string;
  cells: ReactNode[];
}

export function SimpleTable({
  columns,
  rows,
  labelledBy,
}: {
  columns: string[];
  rows: TableRow[];
  labelledBy?: string;
}) {
  return (
    <table className="table" {...(labelledBy ? { 'aria-labelledby': labelledBy } : {})}>
      <TableHead columns={columns} />
      <tbody>
        {rows.map((row) => (
          <tr key={row.key}>
            {row.cells.map((cell, i) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: a row's cells are positional columns
              <td key={i}>{cell}</td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** A small button in a row: `label` names what it does to which item, for screen readers. */
export function RowAction({
  text,
  label,
  danger = false,
  onClick,
}: {
  text: string;
  label: string;
  danger?: boolean;
  onClick: () => void;
}) {
  return (
    <button type="button" className={`button small${danger ? ' danger' : ''}`} aria-label={label} onClick={onClick}>
      {text}
    </button>
  );
}
