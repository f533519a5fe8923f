'use client';
import type { LabelStyle } from './engine/mount-viewports';
import type { MaskViewerMask } from './mask-viewer-types';
import styles from './mask-viewer.module.css';

export type LabelStyles = Record<string, Record<number, LabelStyle>>;

/** Every label of every mask drawn as its label table says: visible, filled at half opacity. */
export function initialLabelStyles(masks: MaskViewerMask[]): LabelStyles {
  return Object.fromEntries(
    masks.map((m) => [
      m.id,
      Object.fromEntries(m.labels.map((l) => [l.value, { visible: true, color: l.color, opacity: m.opacity?.[l.value] ?? 0.5, outline: false }])),
    ]),
  );
}

function hex(c: readonly number[]): string {
  return `#${c.map((x) => x.toString(16).padStart(2, '0')).join('')}`;
}

function rgb(h: string): [number, number, number] {
  const n = Number.parseInt(h.slice(1), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

function ml(v: number | undefined): string {
  if (v === undefined) return '…';
  return `${v >= 100 ? v.toFixed(0) : v.toFixed(1)} ml`;
}

/**
 * One row per label of each mask: shown or hidden, its colour, its fill opacity, filled or outline
 * only, and its volume (ml, from the mask's voxels and the volume's spacing).
 */
export function SegmentationPanel(p: {
  masks: MaskViewerMask[];
  styles: LabelStyles;
  volumesMl: Record<string, Record<number, number>>;
  onChange(maskId: string, value: number, style: LabelStyle): void;
}) {
  return (
    <div className={styles.segPanel} data-testid="segmentation-panel">
      {p.masks.map((m) => (
        <table key={m.id} className={styles.segTable} aria-label={`Labels of ${m.title}`} data-testid="mask-legend">
          <caption>{m.title}</caption>
          <thead>
            <tr>
              <th scope="col">Shown</th>
              <th scope="col">Label</th>
              <th scope="col">Colour</th>
              <th scope="col">Opacity</th>
              <th scope="col">Outline only</th>
              <th scope="col" className="num">
                Volume
              </th>
            </tr>
          </thead>
          <tbody>
            {m.labels.map((l) => {
              const s = p.styles[m.id]?.[l.value] ?? { visible: true, color: l.color, opacity: 0.5, outline: false };
              const set = (patch: Partial<LabelStyle>) => p.onChange(m.id, l.value, { ...s, ...patch });
              return (
                <tr key={l.value} data-testid="segment-row" data-value={l.value}>
                  <td>
                    <input type="checkbox" checked={s.visible} onChange={(e) => set({ visible: e.target.checked })} aria-label={`Show ${l.name}`} />
                  </td>
                  <td data-testid="legend-label" data-value={l.value}>
                    <span className={styles.labelName}>
                      <span className={styles.swatch} style={{ background: `rgb(${s.color.join(',')})` }} aria-hidden />
                      {l.name}
                    </span>
                  </td>
                  <td>
                    <input type="color" value={hex(s.color)} onChange={(e) => set({ color: rgb(e.target.value) })} aria-label={`Colour of ${l.name}`} />
                  </td>
                  <td>
                    <input
                      type="range"
                      min={0}
                      max={100}
                      value={Math.round(s.opacity * 100)}
                      onChange={(e) => set({ opacity: Number(e.target.value) / 100 })}
                      aria-label={`Opacity of ${l.name}`}
                      aria-valuetext={`${Math.round(s.opacity * 100)}%`}
                    />
                  </td>
                  <td>
                    <input type="checkbox" checked={s.outline} onChange={(e) => set({ outline: e.target.checked })} aria-label={`Outline only for ${l.name}`} />
                  </td>
                  <td className="num mono" data-testid="segment-volume">
                    {ml(p.volumesMl[m.id]?.[l.value])}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      ))}
    </div>
  );
}
