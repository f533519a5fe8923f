import { AppError } from '@/lib/errors';

/**
 * The SOP Instance UIDs seen in one study's instances, so that two different instances with one
 * UID are refused, never merged (whichever came later would silently replace the other downstream:
 * one output name, one index row, one slice). The same bytes twice are the same instance: the
 * second is reported as a copy of the first. Labels name the instances in the refusal ("input 3").
 */
export class SopInstanceUids {
  private readonly seen = new Map<string, { label: string; sha256: string }>();

  /** Records an instance; returns the label of an identical instance seen before, if any. */
  add(uid: string, sha256: string, label: string, what: string): { copyOf?: string } {
    if (!uid) return {};
    const first = this.seen.get(uid);
    if (!first) {
      this.seen.set(uid, { label, sha256 });
      return {};
    }
    if (first.sha256 === sha256) return { copyOf: first.label };
    throw new AppError(
      'invalid_input',
      `${what}: ${first.label} and ${label} are different instances with the same SOP Instance UID (0008,0018); a study cannot hold both (upload one of them, or give them their own UIDs)`,
    );
  }
}
