/**
 * What a user reads when an input does not validate: "run: must be an id in UUID form (such as …)"
 * instead of zod's "Invalid UUID", "expected: must not be empty" instead of "Too small: expected
 * string to have >=1 characters". A schema's own message (`.min(1, 'expected the token')`) still
 * wins: zod puts a schema's messages before the parse's (zod 4's error precedence), and anything not
 * worded here falls back to zod's own.
 */
import type { z } from 'zod';

type RawIssue = z.core.$ZodRawIssue;

const FORMATS: Record<string, string> = {
  uuid: 'must be an id in UUID form (such as 123e4567-e89b-42d3-a456-426614174000)',
  guid: 'must be an id in UUID form (such as 123e4567-e89b-42d3-a456-426614174000)',
  email: 'must be an email address',
  url: 'must be a URL such as https://example.org/path',
  datetime: 'must be a date and time such as 2026-12-01T09:30:00Z',
  date: 'must be a date such as 2026-12-01',
  time: 'must be a time such as 09:30:00',
  base64: 'must be base64-encoded',
  base64url: 'must be base64url-encoded',
  ipv4: 'must be an IPv4 address',
  ipv6: 'must be an IPv6 address',
};

/** What a value is, in words: "text", "a list"…; a number is shown as itself (never text: it may be PHI). */
function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  switch (typeof value) {
    case 'string':
      return 'text';
    case 'number':
      return String(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object':
      return 'an object';
    default:
      return typeof value;
  }
}

const EXPECTED: Record<string, string> = {
  string: 'text',
  number: 'a number',
  int: 'a whole number',
  bigint: 'a whole number',
  boolean: 'true or false',
  array: 'a list',
  tuple: 'a list',
  object: 'an object',
  date: 'a date',
  null: 'null',
};

const quote = (v: unknown) => (typeof v === 'string' ? `"${v}"` : String(v));
const items = (n: number | bigint) => (Number(n) === 1 ? 'item' : 'items');

function sizeMessage(issue: RawIssue & { code: 'too_small' | 'too_big' }): string | undefined {
  const small = issue.code === 'too_small';
  const bound = small ? (issue as { minimum: number | bigint }).minimum : (issue as { maximum: number | bigint }).maximum;
  const { origin, inclusive, exact } = issue as { origin?: string; inclusive?: boolean; exact?: boolean };
  if (origin === 'string') {
    if (small && Number(bound) === 1 && !exact) return 'must not be empty';
    return `must be ${exact ? 'exactly' : small ? 'at least' : 'at most'} ${bound} characters long`;
  }
  if (origin === 'array' || origin === 'set') return `must have ${exact ? 'exactly' : small ? 'at least' : 'at most'} ${bound} ${items(bound)}`;
  if (origin === 'number' || origin === 'int' || origin === 'bigint') {
    if (exact) return `must be ${bound}`;
    if (inclusive === false) return `must be ${small ? 'more' : 'less'} than ${bound}`;
    return `must be ${small ? 'at least' : 'at most'} ${bound}`;
  }
  return undefined;
}

/** A zod issue in the user's words, or undefined to keep zod's message; pass as `safeParse(raw, { error: plainIssueMessage })`. */
export function plainIssueMessage(issue: RawIssue): string | undefined {
  switch (issue.code) {
    case 'invalid_type': {
      if (issue.input === undefined) return 'is required';
      const expected = EXPECTED[issue.expected as string] ?? String(issue.expected);
      return `must be ${expected}, not ${kindOf(issue.input)}`;
    }
    case 'invalid_value': {
      const values = (issue as { values: unknown[] }).values;
      return values.length === 1 ? `must be ${quote(values[0])}` : `must be one of ${values.map(quote).join(', ')}`;
    }
    case 'too_small':
    case 'too_big':
      return sizeMessage(issue);
    case 'invalid_format': {
      const f = issue as { format: string; prefix?: string; suffix?: string; includes?: string };
      if (f.format === 'starts_with') return `must start with "${f.prefix}"`;
      if (f.format === 'ends_with') return `must end with "${f.suffix}"`;
      if (f.format === 'includes') return `must contain "${f.includes}"`;
      if (f.format === 'regex') return 'is not in the form expected here';
      return FORMATS[f.format];
    }
    case 'not_multiple_of':
      return `must be a multiple of ${(issue as { divisor: number }).divisor}`;
    case 'unrecognized_keys': {
      const keys = (issue as { keys: string[] }).keys;
      return `has ${keys.length === 1 ? 'an unknown field' : 'unknown fields'}: ${keys.join(', ')}`;
    }
    case 'invalid_union':
      return 'is not any of the forms accepted here';
    default:
      return undefined;
  }
}

/** The first issue of a failed parse as the field it is about (dotted path, `root` when none) and its message. */
export function firstIssue(error: z.ZodError, root = 'input'): { field: string; message: string; count: number } {
  const issue = error.issues[0];
  return { field: issue?.path.length ? issue.path.join('.') : root, message: issue?.message ?? 'is not valid', count: error.issues.length };
}
