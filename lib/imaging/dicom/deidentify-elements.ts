/**
 * The recursive part of de-identification: every element at every depth gets its Table E.1-1 action;
 * sequences are rewritten item by item so UIDs inside them are replaced too; everything the profile
 * keeps is copied from the input as raw bytes.
 */
import { cleanText } from './clean-text';
import { chooseCombined, resolveAction } from './deid-rules';
import { INSTANCE_UID_TAGS, type DeidOption } from './deid-table.generated';
import { TEXT_VRS, elementOf, groupOf, type Syntax } from './dicom-syntax';
import { dummyBinary, dummyText } from './dummy-value';
import { rawString } from './element-values';
import type { DicomElement } from './parse-dataset';
import type { UidReplacer } from './replace-uid';
import { shiftDateValue } from './shift-date';
import { textNode, type OutNode } from './write-dicom-file';

export interface SafePrivateElement {
  /** private creator string, e.g. "SIEMENS MR HEADER" */
  creator: string;
  /** element offset within the creator's block (the low byte, e.g. 0x0C for (0019,xx0C)) */
  element: number;
  /** odd group; any odd group when omitted */
  group?: number;
}

export interface ElementRewriteContext {
  buf: Uint8Array;
  options: readonly DeidOption[];
  uids: UidReplacer;
  safePrivate: readonly SafePrivateElement[];
  dateShiftDays?: number;
  /** the instance's identifying values, cut out of cleaned text (worked out at the first Clean action) */
  identifyingTokens: () => readonly string[];
}

function isOverlayOrCurveGroup(group: number): boolean {
  const high = group & 0xff00;
  // repeating groups 5000-501E (curves, retired) and 6000-601E (overlays); the profile removes curve
  // data and overlay data/comments, and we drop the whole group so no orphan overlay module remains
  return (high === 0x5000 || high === 0x6000) && (group & 0xff) <= 0x1e && group % 2 === 0;
}

/** Private creators of one dataset/item: block number (0x10-0xFF) → creator string. */
function privateCreators(ctx: ElementRewriteContext, elements: readonly DicomElement[]): Map<number, string> {
  const creators = new Map<number, string>();
  for (const el of elements) {
    const e = elementOf(el.tag);
    if (groupOf(el.tag) % 2 === 1 && e >= 0x10 && e <= 0xff) creators.set((groupOf(el.tag) << 8) | e, rawString(ctx.buf, el).trim());
  }
  return creators;
}

function keepPrivate(ctx: ElementRewriteContext, el: DicomElement, creators: Map<number, string>): boolean {
  if (ctx.safePrivate.length === 0) return false;
  const group = groupOf(el.tag);
  const e = elementOf(el.tag);
  if (group <= 0x0007 || group === 0xffff || e < 0x10) return false;
  if (e <= 0xff) {
    // a creator is kept when some allowed element uses it
    const creator = creators.get((group << 8) | e);
    return ctx.safePrivate.some((s) => s.creator === creator && (s.group === undefined || s.group === group));
  }
  const creator = creators.get((group << 8) | (e >> 8));
  return ctx.safePrivate.some((s) => s.creator === creator && s.element === (e & 0xff) && (s.group === undefined || s.group === group));
}

function raw(ctx: ElementRewriteContext, el: DicomElement): OutNode {
  return { kind: 'raw', tag: el.tag, buf: ctx.buf, start: el.start, end: el.end };
}

function emptyValue(el: DicomElement): OutNode {
  return { kind: 'value', tag: el.tag, vr: el.vr, value: new Uint8Array(0) };
}

function uidNode(ctx: ElementRewriteContext, el: DicomElement): OutNode {
  return textNode(el.tag, 'UI', ctx.uids.replaceValue(rawString(ctx.buf, el)));
}

function dummy(ctx: ElementRewriteContext, el: DicomElement): OutNode {
  if (el.vr === 'UI') return uidNode(ctx, el);
  const text = dummyText(el.vr);
  if (text !== undefined) return textNode(el.tag, el.vr, text);
  return { kind: 'value', tag: el.tag, vr: el.vr, value: dummyBinary(el.length) };
}

function clean(ctx: ElementRewriteContext, el: DicomElement, option: DeidOption): OutNode | undefined {
  if (option === 'retainLongitudinalModifiedDates') {
    if (el.vr === 'TM') return raw(ctx, el);
    if ((el.vr === 'DA' || el.vr === 'DT') && ctx.dateShiftDays !== undefined) {
      const shifted = shiftDateValue(rawString(ctx.buf, el), el.vr, ctx.dateShiftDays);
      return shifted === undefined ? undefined : textNode(el.tag, el.vr, shifted);
    }
    return dummy(ctx, el);
  }
  if (el.vr === 'UI') return uidNode(ctx, el);
  if (!TEXT_VRS.has(el.vr)) return dummy(ctx, el);
  return textNode(el.tag, el.vr, cleanText(rawString(ctx.buf, el), ctx.identifyingTokens()));
}

function rewriteSequence(ctx: ElementRewriteContext, el: DicomElement): OutNode {
  return {
    kind: 'sequence',
    tag: el.tag,
    itemSyntax: el.itemSyntax!,
    items: el.items!.map((item) => rewriteElements(ctx, item.elements, el.itemSyntax!)),
  };
}

/** The de-identified form of one dataset or item. */
export function rewriteElements(ctx: ElementRewriteContext, elements: readonly DicomElement[], syntax: Syntax): OutNode[] {
  void syntax; // items carry their own syntax on the sequence node; kept for symmetry with the walker
  const out: OutNode[] = [];
  const creators = elements.some((el) => groupOf(el.tag) % 2 === 1) ? privateCreators(ctx, elements) : new Map<number, string>();
  for (const el of elements) {
    const group = groupOf(el.tag);
    // group lengths are retired and would be wrong after rewriting; trailing padding can hold anything
    if (elementOf(el.tag) === 0 || el.tag === 0xfffcfffc) continue;
    if (group % 2 === 1) {
      if (keepPrivate(ctx, el, creators)) out.push(raw(ctx, el));
      continue;
    }
    if (isOverlayOrCurveGroup(group)) continue;
    const node = rewriteElement(ctx, el);
    if (node) out.push(node);
  }
  return out;
}

function rewriteElement(ctx: ElementRewriteContext, el: DicomElement): OutNode | undefined {
  const resolved = resolveAction(el.tag, ctx.options);
  if (el.items) {
    if (!resolved) return rewriteSequence(ctx, el);
    if (resolved.action === 'K') return raw(ctx, el);
    const a = resolved.action === 'C' ? 'C' : chooseCombined(resolved.action, el.items.length === 0);
    if (a === 'X') return undefined;
    if (a === 'Z') return { kind: 'sequence', tag: el.tag, itemSyntax: el.itemSyntax!, items: [] };
    // D, U*, C on a sequence: keep its structure, de-identify what is inside
    return rewriteSequence(ctx, el);
  }
  if (!resolved) {
    return el.vr === 'UI' && INSTANCE_UID_TAGS.has(el.tag) ? uidNode(ctx, el) : raw(ctx, el);
  }
  if (resolved.action === 'K') return raw(ctx, el);
  if (resolved.action === 'C') return clean(ctx, el, resolved.option);
  switch (chooseCombined(resolved.action, el.length === 0)) {
    case 'X':
      return undefined;
    case 'Z':
      return emptyValue(el);
    case 'D':
      return dummy(ctx, el);
    case 'U':
    case 'U*':
      return el.vr === 'UI' ? uidNode(ctx, el) : emptyValue(el);
  }
}
