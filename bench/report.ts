import { Figure } from './section';

const COLUMNS = ['figure', 'value', 'limit', 'unit', 'ratio', 'target', ''] as const;
const RIGHT_ALIGNED = new Set<string>(['value', 'limit', 'ratio']);

export function formatFigures(figures: readonly Figure[]): string {
  const rows = [[...COLUMNS], ...figures.map(formatRow)];
  const widths = COLUMNS.map((_, column) => Math.max(...rows.map((row) => row[column].length)));
  return rows
    .map((row) =>
      row
        .map((cell, column) => (RIGHT_ALIGNED.has(COLUMNS[column]) ? cell.padStart(widths[column]) : cell.padEnd(widths[column])))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

function formatRow(figure: Figure): string[] {
  const ratio = figure.limit === undefined ? undefined : figure.lowerIsBetter ? figure.limit / figure.value : figure.value / figure.limit;
  const verdict = ratio === undefined || figure.target === undefined ? '' : ratio >= figure.target ? 'PASS' : 'BELOW TARGET';
  return [
    figure.name,
    formatNumber(figure.value),
    figure.limit === undefined ? '—' : formatNumber(figure.limit),
    figure.unit,
    ratio === undefined ? '—' : ratio.toFixed(2),
    figure.target === undefined ? '—' : `≥ ${Number(figure.target.toFixed(2))}`,
    verdict,
  ];
}

function formatNumber(value: number): string {
  return value >= 100 ? Math.round(value).toLocaleString('en-US') : value.toPrecision(3);
}
