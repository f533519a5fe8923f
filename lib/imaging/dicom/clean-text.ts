import { stringValue } from './element-values';
import type { DicomElement } from './parse-dataset';

/**
 * The "C" (clean) action of the Clean Descriptors and similar options: PS3.15 asks for values "of
 * similar meaning known not to contain identifying information". We keep the text but cut out every
 * identifying value of the same instance (name parts, IDs, dates, institution, physicians), matched
 * case-insensitively. Tokens shorter than 3 characters would remove ordinary words and are skipped.
 */
export function identifyingTokens(values: readonly (string | undefined)[]): string[] {
  const tokens = new Set<string>();
  for (const v of values) {
    if (!v) continue;
    for (const part of v.split(/[\\^=]/)) {
      const t = part.trim();
      if (t.length >= 3) tokens.add(t);
      for (const word of t.split(/\s+/)) if (word.length >= 3) tokens.add(word);
    }
  }
  return [...tokens].sort((a, b) => b.length - a.length);
}

export function cleanText(value: string, tokens: readonly string[]): string {
  let out = value;
  for (const t of tokens) {
    const escaped = t.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    out = out.replace(new RegExp(escaped, 'gi'), '');
  }
  return out.replace(/\s{2,}/g, ' ').trim();
}

/** The attributes whose values the Clean action cuts out of kept free text. */
export const IDENTIFYING_TAGS = [
  0x00100010, 0x00100020, 0x00100030, 0x00101000, 0x00101001, 0x00080050, 0x00080080, 0x00080081, 0x00080090, 0x00081050, 0x00081070, 0x00080092, 0x00081010,
  0x00181000, 0x00200010, 0x00080020,
];

/** The identifying tokens of one instance (its IDENTIFYING_TAGS' values, and any extra value given). */
export function identifyingTokensOf(body: Uint8Array, elements: readonly DicomElement[], extra: (string | undefined)[] = []): string[] {
  return identifyingTokens([...IDENTIFYING_TAGS.map((t) => stringValue(body, elements, t)), ...extra]);
}
