import { gunzipSync } from 'node:zlib';
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { sql } from 'drizzle-orm';
import type { Db } from '../lib/db';
import { INSTANCE_UID_TAGS } from '../lib/imaging/dicom/deid-table.generated';
import { PIXEL_DATA, TEXT_VRS, isPrivateTag } from '../lib/imaging/dicom/dicom-syntax';
import { rawString } from '../lib/imaging/dicom/element-values';
import { parseDicomFile } from '../lib/imaging/dicom/parse-dicom-file';
import { isWellKnownUid } from '../lib/imaging/dicom/replace-uid';
import { allElements } from '../lib/imaging/dicom/test-fixtures';
import { getObjectBytes } from '../lib/storage/objects';
import { getStorage } from '../lib/storage/s3-client';
import { isIdentifyingTag } from './deid-standard';

/**
 * PHI probe for pipeline and database tests: every identifying value of the input DICOM files
 * (decided by the standard's Table E.1-1, test/deid-standard.ts, plus every PN, every instance UID
 * and every private text value) searched in every object under the project's derived/ prefix,
 * in every column of every table outside the identity tables (which hold PHI by design), in step
 * outputs, infos and errors (run_steps) and in audit details. Values under 4 characters are not
 * searched here (they occur in any text by chance; the de-identification leak test checks them in
 * place), nor values the input also holds in an attribute the profile keeps.
 */

/** tables that hold identifying values by design, behind phi:read */
export const IDENTITY_TABLES = ['patient_identities', 'study_identities'];
/**
 * Columns outside them that hold an identifying value by design, each with why:
 * - series.series_instance_uid: the original SeriesInstanceUID groups the raw-phi/ instances of an
 *   upload; every derived/ copy has a replaced one;
 */
export const IDENTITY_COLUMNS = ['series.series_instance_uid'];

export function identifyingValues(files: Uint8Array[]): Set<string> {
  const values = new Set<string>();
  const kept: string[] = [];
  for (const [i, bytes] of files.entries()) {
    const p = parseDicomFile(bytes, `input-${i}`);
    for (const { el } of allElements(p.elements)) {
      if (el.items || el.tag === PIXEL_DATA) continue;
      const text = TEXT_VRS.has(el.vr) || isPrivateTag(el.tag) ? rawString(p.body, el) : '';
      const identifying = isPrivateTag(el.tag) || el.vr === 'PN' || (el.vr === 'UI' && INSTANCE_UID_TAGS.has(el.tag)) || isIdentifyingTag(el.tag);
      if (!identifying) {
        if (TEXT_VRS.has(el.vr)) kept.push(text);
        continue;
      }
      for (const v of text.split('\\').map((s) => s.replace(/\0/g, '').trim())) {
        // a private number ("18.8") is a vendor parameter, and as text it turns up in any timestamp
        if (isPrivateTag(el.tag) && /^[-+0-9.eE ]+$/.test(v)) continue;
        if (v.length >= 4 && /^[\x20-\x7e]+$/.test(v) && !isWellKnownUid(v) && v !== 'ANONYMIZED') values.add(v);
      }
    }
  }
  for (const v of values) if (kept.some((k) => k.includes(v))) values.delete(v);
  return values;
}

/** What of an object can carry text: a DICOM header without its pixel data, a NIfTI header and extensions, anything else whole. */
export function searchableText(bytes: Uint8Array): string {
  let b = Buffer.from(bytes);
  if (b[0] === 0x1f && b[1] === 0x8b) b = gunzipSync(b);
  if (b.length > 132 && b.subarray(128, 132).toString('latin1') === 'DICM') {
    const p = parseDicomFile(b, 'derived');
    const px = p.elements.find((e) => e.tag === PIXEL_DATA);
    const body = Buffer.from(p.body.buffer, p.body.byteOffset, p.body.length);
    const dataset = px ? Buffer.concat([body.subarray(0, px.valueStart), body.subarray(px.end)]) : body;
    return b.subarray(0, 132 + (p.meta.at(-1)?.end ?? 0)).toString('latin1') + dataset.toString('latin1');
  }
  if (b.length >= 352 && b.readInt32LE(0) === 348) return b.subarray(0, Math.max(352, Math.floor(b.readFloatLE(108)))).toString('latin1');
  return b.toString('latin1');
}

/**
 * Whether an identifying value turns up in a text: a short one (under 8 characters: a time "1050",
 * a weight) only as a whole value, not inside a longer word or number (a new UID "2.25.…1050…" or a
 * SHA-256 in hex holds it by chance); a longer one anywhere.
 */
export function leaks(text: string, v: string): boolean {
  return v.length >= 8 ? text.includes(v) : containsWhole(text, v);
}

/** v occurs in text not directly next to another letter or digit */
function containsWhole(text: string, v: string): boolean {
  const alnum = /[A-Za-z0-9]/;
  for (let i = text.indexOf(v); i !== -1; i = text.indexOf(v, i + 1)) {
    const before = i > 0 ? text[i - 1] : '';
    const after = text[i + v.length] ?? '';
    if (!(alnum.test(v[0]) && alnum.test(before)) && !(alnum.test(v.at(-1)!) && alnum.test(after))) return true;
  }
  return false;
}

export interface PhiFinding {
  where: string;
  value: string;
}

/** Every object under derived/<project>/ that contains an identifying value. */
export async function probeDerivedObjects(projectId: string, values: Set<string>): Promise<{ findings: PhiFinding[]; objects: number }> {
  const { client, settings } = getStorage();
  const keys: string[] = [];
  let token: string | undefined;
  do {
    const page = await client.send(new ListObjectsV2Command({ Bucket: settings.bucket, Prefix: `derived/${projectId}/`, ContinuationToken: token }));
    keys.push(...(page.Contents ?? []).map((o) => o.Key!));
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  const findings: PhiFinding[] = [];
  for (const key of keys) {
    const text = searchableText(await getObjectBytes({ key }));
    for (const v of values) if (leaks(text, v)) findings.push({ where: key, value: v });
  }
  return { findings, objects: keys.length };
}

/**
 * Every column of every table but the identity tables (timestamps aside), for the project's rows (by project_id, or
 * through its runs or uploads; tables without either, such as users and models, whole).
 */
export async function probeDatabase(db: Db, projectId: string, values: Set<string>): Promise<{ findings: PhiFinding[]; tables: string[] }> {
  const columns = (await db.execute(
    // timestamps are the database's own clock (now()), never copied from an input: their text ("…:18.8…")
    // would match short numeric values such as a patient's weight by chance
    sql`select table_name, column_name, data_type from information_schema.columns where table_schema = 'public' and data_type not in ('timestamp with time zone', 'timestamp without time zone') order by table_name, ordinal_position`,
  )) as unknown as { table_name: string; column_name: string; data_type: string }[];
  const byTable = new Map<string, string[]>();
  for (const c of columns) byTable.set(c.table_name, [...(byTable.get(c.table_name) ?? []), c.column_name]);
  // ids the database generates (uuid) are never copied from an input, and their hex groups ("…-1050-…")
  // would match short numeric values by chance
  const generated = new Set(columns.filter((c) => c.data_type === 'uuid').map((c) => `${c.table_name}.${c.column_name}`));
  const findings: PhiFinding[] = [];
  const tables = [...byTable.keys()].filter((t) => !IDENTITY_TABLES.includes(t));
  for (const table of tables) {
    const cols = byTable.get(table)!;
    const scope = cols.includes('project_id')
      ? sql`where project_id = ${projectId}`
      : cols.includes('run_id')
        ? sql`where run_id in (select id from runs where project_id = ${projectId})`
        : cols.includes('upload_id')
          ? sql`where upload_id in (select id from uploads where project_id = ${projectId})`
          : sql``;
    const searched = cols.filter((c) => !IDENTITY_COLUMNS.includes(`${table}.${c}`) && !generated.has(`${table}.${c}`));
    const select = sql.join(
      searched.map((c) => sql`${sql.identifier(c)}::text as ${sql.identifier(c)}`),
      sql`, `,
    );
    const rows = (await db.execute(sql`select ${select} from ${sql.identifier(table)} ${scope}`)) as unknown as Record<string, string | null>[];
    for (const row of rows) {
      for (const [col, text] of Object.entries(row)) {
        if (!text) continue;
        // a whole value, not a run of characters inside a longer word or number (a SHA-256 in hex holds "1050" by chance)
        for (const v of values) if (containsWhole(text, v)) findings.push({ where: `${table}.${col}`, value: v });
      }
    }
  }
  return { findings, tables };
}
