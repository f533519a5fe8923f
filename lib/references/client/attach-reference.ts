import type { UploadResult } from '../../uploads/schemas';
import type { ResumeStore } from '../../uploads/client/resume-store';
import { UploadApi, type UploadApiOptions } from '../../uploads/client/upload-api';
import { UploadEngine, type EngineOptions } from '../../uploads/client/upload-engine';
import type { UploadSource } from '../../uploads/client/upload-source';
import type { ReferenceDto } from '../schemas';

/** The upload API whose "new upload" is a reference upload for one series (POST /api/studies/:study/references). */
export class ReferenceUploadApi extends UploadApi {
  referenceId: string | null = null;
  constructor(
    opts: UploadApiOptions,
    private readonly series: string,
  ) {
    super(opts);
  }

  override async createUpload(project: string, study?: string): Promise<{ id: string; studyId: string; studyLabel: string; projectId: string }> {
    if (!study) throw new Error('a reference is attached to a study: give the study');
    const { data } = await this.call<{ reference: { id: string }; upload: { id: string; studyId: string; projectId: string } }>(
      'POST',
      `/api/studies/${encodeURIComponent(study)}/references`,
      { series: this.series },
    );
    this.referenceId = data.reference.id;
    return { ...data.upload, studyLabel: project };
  }

  async listReferences(study: string): Promise<ReferenceDto[]> {
    return (await this.call<{ references: ReferenceDto[] }>('GET', `/api/studies/${encodeURIComponent(study)}/references`)).data.references;
  }
}

/**
 * Attaches a reference segmentation to a series of a study through the ordinary upload flow (the
 * same engine: presigned PUTs straight to storage, parts, retries); the server checks the file on
 * completion. Resolves with the reference as the server now has it (ready, or rejected with why).
 */
export async function attachReference(p: {
  api: UploadApiOptions;
  project: string;
  study: string;
  series: string;
  source: UploadSource;
  store?: ResumeStore;
  /** how the browser sends and hashes (XHR with progress, a hashing worker); Node's defaults otherwise */
  transport?: Pick<EngineOptions, 'putBytes' | 'hasher'>;
}): Promise<{ reference: ReferenceDto | null; summary: UploadResult }> {
  const api = new ReferenceUploadApi(p.api, p.series);
  const engine = new UploadEngine({ api, project: p.project, study: p.study, store: p.store, resumeKey: `reference.${p.series}`, ...p.transport });
  engine.add([p.source]);
  const summary = await engine.run();
  const refs = api.referenceId ? await api.listReferences(p.study) : [];
  return { reference: refs.find((r) => r.id === api.referenceId) ?? null, summary };
}
