import type { ViewerLabel } from '@/lib/viewer/schemas';
import styles from './mask-viewer.module.css';

/** The colours of one mask's labels, as drawn. */
export function MaskLegend({ title, labels }: { title?: string; labels: ViewerLabel[] }) {
  return (
    <ul className={styles.legend} aria-label={title ? `Legend: ${title}` : 'Legend'} data-testid="mask-legend">
      {title && <li className="muted">{title}:</li>}
      {labels.map((l) => (
        <li key={l.value} data-testid="legend-label" data-value={l.value}>
          <span className={styles.swatch} style={{ background: `rgb(${l.color.join(',')})` }} aria-hidden />
          {l.name}
        </li>
      ))}
    </ul>
  );
}
