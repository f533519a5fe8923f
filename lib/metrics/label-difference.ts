import { DIFF_VALUES } from './mask-difference';

export interface LabelDifference {
  /** the difference labelmap's values for this label only: agree, live only, shadow only; 0 elsewhere */
  diff: Uint8Array;
  voxels: { agree: number; liveOnly: number; shadowOnly: number };
}

/**
 * Diff mode for one label (the reviewer's label picker): where both masks give it (agreement), where
 * only the live mask does (the shadow gives another label or none), where only the shadow does. Per
 * slice, live only + shadow only are what the stored profile counts for the label
 * (maskDifference's `labels[].counts`), so "next worst slice" can follow the label's own counts.
 */
export function labelDifference(live: Uint8Array, shadow: Uint8Array, value: number): LabelDifference {
  if (live.length !== shadow.length) throw new Error(`the masks have ${live.length} and ${shadow.length} voxels: not on one grid`);
  const diff = new Uint8Array(live.length);
  const voxels = { agree: 0, liveOnly: 0, shadowOnly: 0 };
  for (let n = 0; n < live.length; n++) {
    const l = live[n] === value;
    const s = shadow[n] === value;
    if (l && s) {
      diff[n] = DIFF_VALUES.agree;
      voxels.agree++;
    } else if (l) {
      diff[n] = DIFF_VALUES.liveOnly;
      voxels.liveOnly++;
    } else if (s) {
      diff[n] = DIFF_VALUES.shadowOnly;
      voxels.shadowOnly++;
    }
  }
  return { diff, voxels };
}
