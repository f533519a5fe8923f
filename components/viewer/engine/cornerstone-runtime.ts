/**
 * Cornerstone3D, loaded and initialised once per page (client only: this module is only ever
 * reached through a dynamic import from an effect). NIfTI files are read by
 * @cornerstonejs/nifti-volume-loader's image loader; we keep the `decache` it hands out per file
 * URL so a viewer that goes away can free the decoded file the loader holds on to.
 */
type Core = typeof import('@cornerstonejs/core');
type Tools = typeof import('@cornerstonejs/tools');
type Nifti = typeof import('@cornerstonejs/nifti-volume-loader');
type DicomLoader = typeof import('@cornerstonejs/dicom-image-loader')['default'];

export interface CornerstoneRuntime {
  core: Core;
  tools: Tools;
  nifti: Nifti;
  /** @cornerstonejs/dicom-image-loader: de-identified instances read from blobs (wadouri's file manager) */
  dicom: DicomLoader;
  /**
   * The page's one rendering engine. Viewers enable and disable their viewports on it rather than
   * creating engines of their own: a volume's GPU texture belongs to the engine's context, so a
   * second engine could not draw a volume the first one drew.
   */
  engine: InstanceType<Core['RenderingEngine']>;
  /** frees what the NIfTI image loader keeps of one file */
  releaseNiftiFile(url: string): void;
}

let started: Promise<CornerstoneRuntime> | null = null;

export function cornerstoneRuntime(): Promise<CornerstoneRuntime> {
  started ??= start().catch((err: unknown) => {
    started = null; // a failed start may be retried by the next viewer
    throw err;
  });
  return started;
}

async function start(): Promise<CornerstoneRuntime> {
  const [core, tools, nifti, dicomModule] = await Promise.all([
    import('@cornerstonejs/core'),
    import('@cornerstonejs/tools'),
    import('@cornerstonejs/nifti-volume-loader'),
    import('@cornerstonejs/dicom-image-loader'),
  ]);
  core.init();
  if (core.getShouldUseCPURendering()) throw new Error('WebGL is not available in this browser, and the volume viewer needs it');
  // before any image is loaded: its init empties Cornerstone's cache. One decode worker is plenty
  // for a series of uncompressed de-identified instances.
  const dicom = dicomModule.default;
  dicom.init({ maxWebWorkers: 1 });
  tools.init();
  // the viewer's tools, registered once per page (each viewer binds them in a tool group of its own)
  for (const T of [tools.WindowLevelTool, tools.PanTool, tools.ZoomTool]) tools.addTool(T);
  const decachers = new Map<string, () => void>();
  const scheme = 'nifti:';
  core.imageLoader.registerImageLoader('nifti', (imageId: string) => {
    const loadObject = nifti.cornerstoneNiftiImageLoader(imageId);
    const url = imageId.slice(scheme.length).split('?frame=')[0];
    if (loadObject.decache && !decachers.has(url)) decachers.set(url, loadObject.decache);
    return loadObject as unknown as ReturnType<Parameters<Core['imageLoader']['registerImageLoader']>[1]>;
  });
  return {
    core,
    tools,
    nifti,
    dicom,
    engine: new core.RenderingEngine('segflow-viewer'),
    releaseNiftiFile(url) {
      decachers.get(url)?.();
      decachers.delete(url);
    },
  };
}
