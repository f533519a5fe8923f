'use client';
import { Bar, BarChart, CartesianGrid, Tooltip, XAxis, YAxis } from 'recharts';
import type { FailureReason } from '@/lib/dashboard/failure-reasons';

/** The top failures as horizontal bars, labelled `step · error class`; the table below gives the full text. */
export function FailureReasonsChart({ reasons }: { reasons: FailureReason[] }) {
  const data = reasons.map((r) => ({ name: `${r.step} · ${r.errorClass.length > 40 ? `${r.errorClass.slice(0, 40)}…` : r.errorClass}`, count: r.count }));
  return (
    <>
      <BarChart layout="vertical" width={520} height={Math.max(80, 28 * data.length + 30)} data={data} margin={{ top: 4, right: 16, bottom: 0, left: 8 }}>
        <CartesianGrid strokeDasharray="3 3" horizontal={false} />
        <XAxis type="number" allowDecimals={false} tick={{ fontSize: 10 }} />
        <YAxis type="category" dataKey="name" width={240} tick={{ fontSize: 10 }} />
        <Tooltip />
        <Bar dataKey="count" fill="#dc2626" isAnimationActive={false} />
      </BarChart>
      <table aria-label="Failure reasons">
        <thead>
          <tr>
            <th>Step</th>
            <th>Error</th>
            <th>Runs</th>
            <th>Last</th>
          </tr>
        </thead>
        <tbody>
          {reasons.map((r) => (
            <tr key={`${r.step}:${r.errorClass}`} data-testid="failure-row">
              <td className="mono">{r.step}</td>
              <td>{r.errorClass}</td>
              <td>{r.count}</td>
              <td>{r.lastAt.slice(0, 16).replace('T', ' ')}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}
