/** Small helpers of the mask viewer's shell (mask-viewer.tsx). */

/** A link's identity without its signature: fresh presigned links to the same objects are the same images. */
export function objectOf(url: string): string {
  return url.split('?')[0];
}

export function webgl2Available(): boolean {
  try {
    return Boolean(document.createElement('canvas').getContext('webgl2'));
  } catch {
    return false;
  }
}

export function messageOf(err: unknown): string {
  if (err instanceof Error && err.name === 'ViewerLoadError') return err.message;
  if (err instanceof Error && err.message) return `the images could not be shown (${err.message})`;
  return 'the images could not be shown';
}
