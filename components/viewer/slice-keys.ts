/** The slice a key press moves to (null: the key does not move slices), clamped to [0, count - 1]. */
export function sliceForKey(key: string, current: number, count: number): number | null {
  const page = Math.max(1, Math.round(count / 10));
  const target =
    key === 'ArrowUp' || key === 'ArrowRight'
      ? current + 1
      : key === 'ArrowDown' || key === 'ArrowLeft'
        ? current - 1
        : key === 'PageUp'
          ? current + page
          : key === 'PageDown'
            ? current - page
            : key === 'Home'
              ? 0
              : key === 'End'
                ? count - 1
                : null;
  return target === null ? null : clampSlice(target, count);
}

export function clampSlice(index: number, count: number): number {
  return Math.min(Math.max(0, Math.round(index)), Math.max(0, count - 1));
}
