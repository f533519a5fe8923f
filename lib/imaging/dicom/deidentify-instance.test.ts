import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isIdentifyingTag } from '@/test/deid-standard';
import { INSTANCE_UID_TAGS } from './deid-table.generated';
import { deidentifyInstance, deidentifyInstanceParts, type DeidentifyOptions } from './deidentify-instance';
import { dummyText } from './dummy-value';
import { PIXEL_DATA, TEXT_VRS, isPrivateTag } from './dicom-syntax';
import { rawString, stringValue } from './element-values';
import { parseDicomFile, type ParsedDicom } from './parse-dicom-file';
import { isWellKnownUid } from './replace-uid';
import { allElements, dicomFiles } from './test-fixtures';

const SECRET = 'test-project-secret';
const BASE: DeidentifyOptions = { secret: SECRET, allowBurnedIn: true };
const outDir = mkdtempSync(join(tmpdir(), 'segflow-deid-'));

const singles = dicomFiles('dicom/single');
const seriesDirs = [...new Set(dicomFiles('dicom/series').map((f) => dirname(f)))];
const seriesSample = seriesDirs.map((d) => dicomFiles('dicom/series').find((f) => dirname(f) === d)!);

function written(bytes: Uint8Array, name: string, options: DeidentifyOptions = BASE) {
  const r = deidentifyInstance(bytes, name, options);
  if (r.status !== 'written') throw new Error(`${name} was quarantined: ${r.reason}`);
  return r;
}

/**
 * Values the Basic Profile must not let through, decided from the standard's own Table E.1-1
 * (test/deid-standard.ts reads fixtures/deid-standard), never from the de-identifier's table or
 * rules: every non-sequence element the standard lists (with no option enabled, each listed
 * attribute is removed, emptied, dummied or replaced), every PN anywhere, every instance UID, and
 * every private value. Values of 4+ characters are searched in the whole output header; shorter ones
 * ("M", "45", a 3-letter station) occur in any header by chance, so they are checked where they
 * were: the same attribute at the same place in the output must not hold the same value (see
 * shortPhiLeaks). Values equal to our own dummies (already de-identified TCIA input says
 * "ANONYMIZED") are not PHI. A value that the same input also holds in an attribute the profile
 * keeps (InstitutionName "TOSHIBA" vs Manufacturer "TOSHIBA", a private "5.000000" vs a kept DS)
 * cannot be told apart in the output and is not searched.
 */
function isPhiElement(el: { tag: number; vr: string }): boolean {
  return isPrivateTag(el.tag) || el.vr === 'PN' || (el.vr === 'UI' && INSTANCE_UID_TAGS.has(el.tag)) || isIdentifyingTag(el.tag);
}

function textValues(p: ParsedDicom, el: ParsedDicom['elements'][number]): string[] {
  const text = TEXT_VRS.has(el.vr) || isPrivateTag(el.tag) ? rawString(p.body, el) : '';
  return text
    .split('\\')
    .map((s) => s.replace(/\0/g, '').trim())
    .filter((v) => v.length > 0 && /^[\x20-\x7e]+$/.test(v));
}

function phiValues(p: ParsedDicom): Set<string> {
  const values = new Set<string>();
  const kept: string[] = [];
  for (const { el } of allElements(p.elements)) {
    if (el.items || el.tag === PIXEL_DATA) continue;
    if (!isPhiElement(el)) {
      if (TEXT_VRS.has(el.vr)) kept.push(rawString(p.body, el));
      continue;
    }
    for (const v of textValues(p, el)) {
      if (v.length >= 4 && !isWellKnownUid(v) && v !== 'ANONYMIZED') values.add(v);
    }
  }
  for (const v of values) if (kept.some((k) => k.includes(v))) values.delete(v);
  return values;
}

/** Identifying values under 4 characters that the output still holds in the same attribute at the same place. */
function shortPhiLeaks(input: ParsedDicom, output: ParsedDicom): string[] {
  const at = (p: ParsedDicom) => {
    const m = new Map<string, Set<string>>();
    for (const { el, path } of allElements(p.elements)) {
      if (el.items || el.tag === PIXEL_DATA) continue;
      const key = `${path.map((t) => t.toString(16)).join('/')}>${el.tag.toString(16).padStart(8, '0')}`;
      const set = m.get(key) ?? new Set<string>();
      for (const v of textValues(p, el)) set.add(v);
      m.set(key, set);
    }
    return m;
  };
  const out = at(output);
  const leaks: string[] = [];
  for (const { el, path } of allElements(input.elements)) {
    if (el.items || el.tag === PIXEL_DATA || !isPhiElement(el) || isPrivateTag(el.tag)) continue;
    const key = `${path.map((t) => t.toString(16)).join('/')}>${el.tag.toString(16).padStart(8, '0')}`;
    for (const v of textValues(input, el)) {
      // a dummy ("0" for an IS) may coincide with the input; it carries no information either way
      if (v.length < 4 && v !== dummyText(el.vr) && out.get(key)?.has(v)) leaks.push(`${key} = "${v}"`);
    }
  }
  return leaks;
}

/** Output as searchable text: file meta + dataset (inflated if deflated), without the pixel data value. */
function headerText(out: Uint8Array): string {
  const p = parseDicomFile(out, 'output');
  const px = p.elements.find((e) => e.tag === PIXEL_DATA);
  const body = Buffer.from(p.body.buffer, p.body.byteOffset, p.body.length);
  const metaEnd = p.meta.at(-1)!.end;
  const dataset = px ? Buffer.concat([body.subarray(0, px.valueStart), body.subarray(px.end)]) : body;
  return Buffer.from(out.subarray(0, metaEnd)).toString('latin1') + dataset.toString('latin1');
}

function pixelBytes(p: ParsedDicom): Buffer | undefined {
  const px = p.elements.find((e) => e.tag === PIXEL_DATA);
  return px ? Buffer.from(p.body.subarray(px.valueStart, px.end)) : undefined;
}

/** dciodvfy "Error" lines with UIDs, numbers and quoted values blanked, so in and out compare. */
function dciodvfyErrors(path: string): Set<string> {
  const r = spawnSync('dciodvfy', [path], { encoding: 'latin1' });
  return new Set(
    `${r.stdout}\n${r.stderr}`
      .split('\n')
      .filter((l) => l.startsWith('Error'))
      .map((l) =>
        l
          .replace(/<[^>]*>/g, '<>')
          .replace(/"[^"]*"/g, '""')
          .replace(/\d+(\.\d+)*/g, 'N'),
      ),
  );
}

describe('deidentifyInstance on every fixture file', () => {
  const files = [...singles, ...seriesSample];

  it.each(files.map((f) => [`${basename(dirname(f))}/${basename(f)}`, f]))('%s: no PHI left, pixels identical, valid output', (_name, file) => {
    const input = readFileSync(file);
    const inParsed = parseDicomFile(input, file);
    const out = written(input, file);
    const outParsed = parseDicomFile(out.bytes, 'output');

    const text = headerText(out.bytes);
    const leaked = [...phiValues(inParsed)].filter((v) => text.includes(v));
    expect(leaked).toEqual([]);
    expect(shortPhiLeaks(inParsed, outParsed)).toEqual([]);

    expect(pixelBytes(outParsed)?.equals(pixelBytes(inParsed)!) ?? true).toBe(true);
    expect(outParsed.transferSyntax.uid).toBe(inParsed.transferSyntax.uid);
    expect(stringValue(outParsed.body, outParsed.elements, 0x00120062)).toBe('YES');
    const sop = stringValue(outParsed.body, outParsed.elements, 0x00080018);
    if (sop) expect(stringValue(outParsed.metaBuf, outParsed.meta, 0x00020003)).toBe(sop);

    const path = join(outDir, `${basename(dirname(file))}-${basename(file)}`);
    writeFileSync(path, out.bytes);
    const dump = spawnSync('dcmdump', ['-q', path], { encoding: 'latin1' });
    expect(dump.status, dump.stderr).toBe(0);

    // fragments without a SOP class have no IOD for dciodvfy to check against
    if (stringValue(inParsed.body, inParsed.elements, 0x00080016)) {
      const before = dciodvfyErrors(file);
      const added = [...dciodvfyErrors(path)].filter((l) => !before.has(l));
      expect(added).toEqual([]);
    }
  });
});

describe('UIDs across a series', () => {
  it('maps the same input UIDs to the same output UIDs in every file of each series', () => {
    for (const dir of seriesDirs) {
      const files = dicomFiles('dicom/series').filter((f) => dirname(f) === dir);
      const seen = new Map<string, Set<string>>();
      for (const f of files) {
        const p = parseDicomFile(written(readFileSync(f), f).bytes, f);
        for (const tag of [0x0020000d, 0x0020000e, 0x00200052]) {
          const key = `${tag}:${stringValue(parseDicomFile(readFileSync(f), f).body, parseDicomFile(readFileSync(f), f).elements, tag)}`;
          const set = seen.get(key) ?? new Set<string>();
          set.add(stringValue(p.body, p.elements, tag) ?? '');
          seen.set(key, set);
        }
      }
      for (const [key, outs] of seen) expect(outs.size, `${dir} ${key}`).toBe(1);
    }
  });

  it('keeps the liver SEG pointing at the de-identified CT instances', () => {
    const dir = 'dcmqi-ct-3slice-liver-seg';
    const cts = dicomFiles(`dicom/series/${dir}/ct`).map((f) => written(readFileSync(f), f));
    const ctSops = new Set(cts.map((r) => r.sopInstanceUid));
    const ctFor = new Set(
      cts.map((r) => {
        const p = parseDicomFile(r.bytes, 'ct');
        return stringValue(p.body, p.elements, 0x00200052);
      }),
    );
    const seg = parseDicomFile(written(readFileSync(dicomFiles(`dicom/series/${dir}`).find((f) => f.endsWith('liver_seg.dcm'))!), 'seg').bytes, 'seg');

    const refs = [...allElements(seg.elements)].filter(({ el }) => el.tag === 0x00081155).map(({ el }) => rawString(seg.body, el));
    expect(refs.length).toBeGreaterThanOrEqual(3);
    for (const r of refs) expect(ctSops.has(r), r).toBe(true);
    expect(ctSops.size).toBe(3);
    expect(ctFor.size).toBe(1);
    expect(ctFor.has(stringValue(seg.body, seg.elements, 0x00200052))).toBe(true);
  });

  it('is deterministic: same input and secret give the same bytes; another secret other UIDs', () => {
    const f = singles.find((x) => x.endsWith('CT_small.dcm'))!;
    const a = written(readFileSync(f), f);
    const b = written(readFileSync(f), f);
    const c = written(readFileSync(f), f, { ...BASE, secret: 'other' });
    expect(Buffer.from(a.bytes).equals(Buffer.from(b.bytes))).toBe(true);
    expect(c.sopInstanceUid).not.toBe(a.sopInstanceUid);
    expect(a.sopInstanceUid).toMatch(/^2\.25\.\d{1,39}$/);
  });

  it('gives its output as a few pieces: the rewritten header copied together, the pixel data a view of the input', () => {
    const f = dicomFiles('dicom/series/tcia-lung-pet-ct-dx-ct')[0];
    const input = readFileSync(f);
    const r = deidentifyInstanceParts(input, basename(f), BASE);
    if (r.status !== 'written') throw new Error('quarantined');
    expect(r.parts.length).toBeLessThanOrEqual(3);
    const pixels = r.parts.find((p) => p.buffer === input.buffer);
    const parsed = parseDicomFile(input, 'ct');
    const px = parsed.elements.find((el) => el.tag === PIXEL_DATA)!;
    expect(pixels?.byteOffset).toBe(parsed.body.byteOffset + px.start);
    expect(pixels?.length).toBe(px.end - px.start);
    expect(Buffer.concat(r.parts).equals(Buffer.from(written(input, basename(f)).bytes))).toBe(true);
  });
});
