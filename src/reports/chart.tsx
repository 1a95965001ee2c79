// A trend chart drawn on the server as SVG: columns per period with the value axis, readable
// without JavaScript and in print, labelled for screen readers (title and description), always
// followed on the page by the table of its figures.
import { formatAmount } from '../tasks/numbers.ts';

export type ChartPoint = { label: string; value: number | null };

const W = 640;
const H = 260;
const PAD = { left: 56, right: 12, top: 14, bottom: 46 };

/** Round numbers for the value axis: 0 and up to four steps of 1, 2 or 5 × 10ⁿ. */
export function axisTicks(max: number): number[] {
  if (max <= 0) return [0, 1];
  const raw = max / 4;
  const p = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((k) => k * p).find((s) => s >= raw)!;
  const ticks: number[] = [];
  for (let v = 0; v <= max + step * 0.001; v += step) ticks.push(Math.round(v * 1e6) / 1e6);
  if (ticks[ticks.length - 1]! < max) ticks.push(ticks[ticks.length - 1]! + step);
  return ticks;
}

export function TrendChart(p: { id: string; title: string; description: string; points: ChartPoint[]; locale: 'vi' | 'en' }) {
  const values = p.points.map((x) => x.value ?? 0);
  const ticks = axisTicks(Math.max(0, ...values));
  const top = ticks[ticks.length - 1]!;
  const plotW = W - PAD.left - PAD.right;
  const plotH = H - PAD.top - PAD.bottom;
  const n = Math.max(1, p.points.length);
  const slot = plotW / n;
  const bar = Math.max(1, Math.min(28, slot * 0.7));
  const y = (v: number) => PAD.top + plotH - (top === 0 ? 0 : (v / top) * plotH);
  const every = Math.max(1, Math.ceil(n / 10));
  return (
    <svg class="chart-svg" viewBox={`0 0 ${W} ${H}`} width={W} height={H} role="img" aria-labelledby={`${p.id}-title ${p.id}-desc`} xmlns="http://www.w3.org/2000/svg">
      <title id={`${p.id}-title`}>{p.title}</title>
      <desc id={`${p.id}-desc`}>{p.description}</desc>
      {ticks.map((v) => (
        <g key={`t${v}`}>
          <line x1={PAD.left} x2={W - PAD.right} y1={y(v)} y2={y(v)} stroke="#c9c5d0" stroke-width="1" />
          <text x={PAD.left - 6} y={y(v) + 4} text-anchor="end" font-size="12" fill="#1c1b1f">
            {formatAmount(v, p.locale)}
          </text>
        </g>
      ))}
      {p.points.map((pt, i) => {
        const x = PAD.left + i * slot + (slot - bar) / 2;
        const v = pt.value ?? 0;
        return (
          <g key={`b${i}`}>
            {pt.value != null ? <rect x={x} y={y(v)} width={bar} height={Math.max(0, PAD.top + plotH - y(v))} fill="#9c1f16" /> : null}
            {i % every === 0 || i === n - 1 ? (
              <text x={x + bar / 2} y={H - PAD.bottom + 16} text-anchor="middle" font-size="11" fill="#1c1b1f">
                {pt.label}
              </text>
            ) : null}
          </g>
        );
      })}
      <line x1={PAD.left} x2={W - PAD.right} y1={PAD.top + plotH} y2={PAD.top + plotH} stroke="#1c1b1f" stroke-width="1.5" />
    </svg>
  );
}
