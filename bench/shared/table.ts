export type Cell = string | number;

/** A plain-text table: text left-aligned, numbers right-aligned, a rule under the header. */
export function table(title: string, header: string[], rows: Cell[][]): string {
  const widths = header.map((name, i) => Math.max(name.length, ...rows.map((row) => text(row[i]).length)));
  const line = (cells: Cell[]) =>
    cells
      .map((cell, i) => (typeof cell === 'number' ? text(cell).padStart(widths[i]) : cell.padEnd(widths[i])))
      .join('  ')
      .trimEnd();
  const rule = widths.map((width) => '-'.repeat(width)).join('  ');
  return [title, line(header), rule, ...rows.map(line)].join('\n') + '\n';
}

/** Integers with thousands separators; fractions to 3 decimals below 10, else 1. */
function text(cell: Cell): string {
  if (typeof cell === 'string') return cell;
  if (Number.isInteger(cell)) return cell.toLocaleString('en-US');
  return cell.toFixed(Math.abs(cell) >= 10 ? 1 : 3);
}
