import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { firstIssue, plainIssueMessage } from './input-issues';

/** The message a user reads for `raw` against `schema`, as "field: message". */
function said(schema: z.ZodType, raw: unknown): string {
  const parsed = schema.safeParse(raw, { error: plainIssueMessage });
  if (parsed.success) throw new Error('expected the input to be refused');
  const { field, message } = firstIssue(parsed.error);
  return `${field}: ${message}`;
}

describe('input issues in the user words', () => {
  it('words the common refusals instead of zod defaults', () => {
    expect(said(z.object({ run: z.uuid() }), { run: 'abc' })).toBe('run: must be an id in UUID form (such as 123e4567-e89b-42d3-a456-426614174000)');
    expect(said(z.object({ name: z.string() }), {})).toBe('name: is required');
    expect(said(z.object({ name: z.string() }), { name: 3 })).toBe('name: must be text, not 3');
    expect(said(z.object({ n: z.number() }), { n: 'x' })).toBe('n: must be a number, not text');
    expect(said(z.object({ name: z.string().min(1) }), { name: '' })).toBe('name: must not be empty');
    expect(said(z.object({ name: z.string().max(4) }), { name: 'abcdef' })).toBe('name: must be at most 4 characters long');
    expect(said(z.object({ n: z.number().int().min(1) }), { n: 0 })).toBe('n: must be at least 1');
    expect(said(z.object({ n: z.number().gt(0) }), { n: 0 })).toBe('n: must be more than 0');
    expect(said(z.object({ n: z.number().int() }), { n: 1.5 })).toBe('n: must be a whole number, not 1.5');
    expect(said(z.object({ role: z.enum(['admin', 'operator']) }), { role: 'boss' })).toBe('role: must be one of "admin", "operator"');
    expect(said(z.object({ tags: z.array(z.string()).min(1) }), { tags: [] })).toBe('tags: must have at least 1 item');
    expect(said(z.strictObject({ a: z.string() }), { a: 'x', b: 1, c: 2 })).toBe('input: has unknown fields: b, c');
    expect(said(z.object({ email: z.email() }), { email: 'nobody' })).toBe('email: must be an email address');
    expect(said(z.object({ at: z.iso.datetime() }), { at: 'yesterday' })).toBe('at: must be a date and time such as 2026-12-01T09:30:00Z');
    expect(said(z.object({ a: z.object({ b: z.boolean() }) }), { a: { b: 'yes' } })).toBe('a.b: must be true or false, not text');
    expect(said(z.object({ dims: z.tuple([z.number(), z.number(), z.number()]) }), { dims: '256' })).toBe('dims: must be a list, not text');
  });

  it("keeps a schema's own message, and zod's for what it does not word", () => {
    expect(said(z.object({ token: z.string().min(1, 'expected the invitation token') }), { token: '' })).toBe('token: expected the invitation token');
    expect(said(z.object({ n: z.number().refine((v) => v % 2 === 0, 'must be even') }), { n: 3 })).toBe('n: must be even');
    expect(said(z.string(), 5)).toBe('input: must be text, not 5');
  });
});
