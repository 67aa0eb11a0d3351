/**
 * The dashboard's charts: plain SVG (a line chart and a bar chart), a few dozen lines instead of a
 * chart library, so the page's chunk stays small (ADR 0014). Each chart has a text alternative: an
 * accessible name and a summary, with the figures in a visually hidden table.
 */
const W = 480;
const H = 160;
const PAD = { left: 36, right: 8, top: 8, bottom: 20 };

export interface Series {
  name: string;
  className: string;
  /** null: no value at that point (the line breaks there). */
  values: (number | null)[];
}

function niceMax(value: number): number {
  if (value <= 0) return 1;
  const step = 10 ** Math.floor(Math.log10(value));
  return Math.ceil(value / step) * step;
}

export function LineChart({
  title,
  labels,
  series,
  format = (n) => String(n),
}: {
  title: string;
  labels: string[];
  series: Series[];
  format?: (n: number) => string;
}) {
  const max = niceMax(Math.max(0, ...series.flatMap((s) => s.values.filter((v): v is number => v !== null))));
  const n = Math.max(1, labels.length - 1);
  const x = (i: number) => PAD.left + (i / n) * (W - PAD.left - PAD.right);
  const y = (v: number) => PAD.top + (1 - v / max) * (H - PAD.top - PAD.bottom);
  const path = (values: (number | null)[]) =>
    values
      .map((v, i) => {
        if (v === null) return '';
        const move = i === 0 || values[i - 1] === null ? 'M' : 'L';
        return `${move}${x(i).toFixed(1)},${y(v).toFixed(1)}`;
      })
      .join('');
  return (
    <figure className="chart">
      <h2>{title}</h2>
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={`${title}: chart of ${labels.length} points`}>
        {[0, 0.5, 1].map((f) => (
          <g key={f}>
            <line className="grid" x1={PAD.left} x2={W - PAD.right} y1={y(max * f)} y2={y(max * f)} />
            <text className="axis" x={PAD.left - 4} y={y(max * f) + 3} textAnchor="end">
              {format(max * f)}
            </text>
          </g>
        ))}
        {labels.length > 0 && (
          <>
            <text className="axis" x={x(0)} y={H - 4}>
              {labels[0]}
            </text>
            <text className="axis" x={x(labels.length - 1)} y={H - 4} textAnchor="end">
              {labels.at(-1)}
            </text>
          </>
        )}
        {series.map((s) => (
          <path key={s.name} className={s.className} d={path(s.values)} />
        ))}
      </svg>
      <ul className="legend">
        {series.map((s) => (
          <li key={s.name}>
            <svg width="14" height="6" aria-hidden="true" className="swatch-svg">
              <line x1="0" x2="14" y1="3" y2="3" className={s.className} />
            </svg>{' '}
            {s.name}
          </li>
        ))}
      </ul>
      <table className="visually-hidden">
        <caption>{title}</caption>
        <thead>
          <tr>
            <th scope="col">time</th>
            {series.map((s) => (
              <th key={s.name} scope="col">
                {s.name}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {labels.map((label, i) => (
            <tr key={label + String(i)}>
              <th scope="row">{label}</th>
              {series.map((s) => (
                <td key={s.name}>
                  {s.values[i] === null || s.values[i] === undefined ? '–' : format(s.values[i] as number)}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  );
}

export function BarChart({
  title,
  bars,
  format,
}: {
  title: string;
  bars: { label: string; value: number; detail?: string }[];
  format: (n: number) => string;
}) {
  const max = niceMax(Math.max(0, ...bars.map((b) => b.value)));
  const rowH = 22;
  const labelW = 150;
  const height = Math.max(rowH, bars.length * rowH);
  return (
    <figure className="chart">
      <h2>{title}</h2>
      {bars.length === 0 ? (
        <p className="hint">No step ended in this window.</p>
      ) : (
        <svg viewBox={`0 0 ${W} ${height}`} role="img" aria-label={`${title}: ${bars.length} bars`}>
          {bars.map((b, i) => {
            const width = ((W - labelW - 70) * b.value) / max;
            return (
              <g key={b.label} transform={`translate(0 ${i * rowH})`}>
                <text className="axis" x={labelW - 6} y={rowH / 2 + 4} textAnchor="end">
                  {b.label.length > 24 ? `${b.label.slice(0, 23)}…` : b.label}
                </text>
                <rect className="bar" x={labelW} y={4} width={Math.max(1, width)} height={rowH - 8} rx={2} />
                <text className="axis" x={labelW + width + 4} y={rowH / 2 + 4}>
                  {format(b.value)}
                </text>
              </g>
            );
          })}
        </svg>
      )}
      <table className="visually-hidden">
        <caption>{title}</caption>
        <tbody>
          {bars.map((b) => (
            <tr key={b.label}>
              <th scope="row">{b.label}</th>
              <td>
                {format(b.value)}
                {b.detail ? `, ${b.detail}` : ''}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  );
}
