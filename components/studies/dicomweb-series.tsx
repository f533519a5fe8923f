import type { StudyDicomSeries } from '@/lib/dicomweb/list-study-dicom-series';

const SOURCE: Record<StudyDicomSeries['source'], string> = {
  deidentified: 'de-identified copy',
  run_seg: 'segmentation of a run',
  stored: 'stored over DICOMweb (STOW-RS)',
};

/** The study's de-identified and derived series as DICOMweb serves them, with the study's DICOMweb path. */
export function DicomwebSeries({ project, series }: { project: string; series: StudyDicomSeries[] }) {
  const study = series[0]?.studyInstanceUid;
  return (
    <>
      <h2>DICOMweb</h2>
      <p className="muted">
        De-identified and derived series, served to OHIF, 3D Slicer and other DICOMweb clients at <code>{`/dicomweb/${project}/studies/${study}`}</code>
      </p>
      <table aria-label="DICOMweb series">
        <thead>
          <tr>
            <th>Modality</th>
            <th>Description</th>
            <th>Instances</th>
            <th>Source</th>
            <th>Added</th>
          </tr>
        </thead>
        <tbody>
          {series.map((s) => (
            <tr key={s.seriesInstanceUid} data-testid="dicomweb-series-row">
              <td>{s.modality ?? '—'}</td>
              <td>{s.description ?? ''}</td>
              <td>{s.instances}</td>
              <td>{SOURCE[s.source]}</td>
              <td>{s.addedAt.slice(0, 16).replace('T', ' ')}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}
