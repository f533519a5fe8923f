import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { UidReplacer, hashUid } from './replace-uid';

const STUDY = '1.3.6.1.4.1.14519.5.2.1.6655.2359.275362305025357183373447040917';
const SERIES = '1.3.6.1.4.1.14519.5.2.1.6655.2359.101236521282936287391658209813';

describe('UID replacement', () => {
  it('is 2.25 and the decimal of the first 128 bits of HMAC-SHA256(secret, uid)', () => {
    const digest = createHmac('sha256', 'project-a').update(STUDY).digest();
    expect(hashUid('project-a', STUDY)).toBe(`2.25.${BigInt(`0x${digest.subarray(0, 16).toString('hex')}`)}`);
    expect(hashUid('project-a', STUDY).length).toBeLessThanOrEqual(44);
  });

  it('gives each replacer only its own UIDs, while the hashes are shared within a process', () => {
    const first = new UidReplacer('project-a');
    expect(first.replaceValue(`${STUDY}\\${SERIES}`)).toBe(`${hashUid('project-a', STUDY)}\\${hashUid('project-a', SERIES)}`);
    const second = new UidReplacer('project-a');
    expect(second.replace(STUDY)).toBe(hashUid('project-a', STUDY));
    expect([...second.map]).toEqual([[STUDY, hashUid('project-a', STUDY)]]);
    expect(first.map.size).toBe(2);
  });

  it('keeps secrets apart: a UID hashed under one secret is hashed again under another', () => {
    const a = new UidReplacer('project-a').replace(STUDY);
    const b = new UidReplacer('project-b').replace(STUDY);
    const bytes = new UidReplacer(new TextEncoder().encode('project-b')).replace(STUDY);
    expect(b).not.toBe(a);
    expect(b).toBe(hashUid('project-b', STUDY));
    expect(bytes).toBe(b); // the same secret as bytes or as text
  });

  it('leaves DICOM-defined UIDs and empty values as they are', () => {
    const r = new UidReplacer('project-a');
    expect(r.replaceValue('1.2.840.10008.5.1.4.1.1.2')).toBe('1.2.840.10008.5.1.4.1.1.2');
    expect(r.replace('')).toBe('');
    expect(r.map.size).toBe(0);
  });
});
