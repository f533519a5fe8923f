import { pgEnum } from 'drizzle-orm/pg-core';

export const roleEnum = pgEnum('role', ['researcher', 'reviewer', 'operator', 'admin']);
export const objectClassEnum = pgEnum('object_class', ['phi', 'derived', 'manifest', 'model']);
export const uploadStatusEnum = pgEnum('upload_status', ['open', 'completing', 'completed', 'aborted', 'failed']);
export const uploadFileStatusEnum = pgEnum('upload_file_status', ['pending', 'uploading', 'uploaded', 'verified', 'rejected', 'aborted']);
export const seriesKindEnum = pgEnum('series_kind', ['dicom', 'nifti']);
export const runStatusEnum = pgEnum('run_status', ['queued', 'running', 'succeeded', 'failed', 'cancelled']);
export const stepStatusEnum = pgEnum('step_status', ['pending', 'running', 'succeeded', 'failed', 'skipped', 'cancelled']);
export const modelVersionStatusEnum = pgEnum('model_version_status', ['registered', 'validated', 'rejected', 'retired']);
export const slotStageEnum = pgEnum('slot_stage', ['live', 'shadow', 'canary']);
export const promotionStateEnum = pgEnum('promotion_state', ['shadow', 'gate_passed', 'canary', 'live', 'rejected', 'rolled_back']);
export const verdictEnum = pgEnum('review_verdict', ['shadow_better', 'equivalent', 'live_better', 'both_wrong']);
export const auditOutcomeEnum = pgEnum('audit_outcome', ['success', 'denied', 'failure']);
/** where a DICOMweb-served instance came from: the de-identify step, a run's SEG, or STOW-RS */
export const dicomSourceEnum = pgEnum('dicom_source', ['deidentified', 'run_seg', 'stored']);
/** a webhook delivery in the outbox: waiting (first try or a retry), delivered (2xx), or given up */
export const webhookDeliveryStatusEnum = pgEnum('webhook_delivery_status', ['pending', 'delivered', 'failed']);
