import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { parseSecretKey, SecretBox, SecretBoxError } from './secret-box.js';

describe('SecretBox', () => {
  const box = new SecretBox(randomBytes(32));

  it('opens what it sealed, for the same owner', () => {
    const sealed = box.seal('sk-live-123', 'tenant:t1/llm:');
    expect(sealed).not.toContain('sk-live-123');
    expect(box.open(sealed, 'tenant:t1/llm:')).toBe('sk-live-123');
  });

  it('seals the same text differently each time', () => {
    expect(box.seal('x', 'c')).not.toBe(box.seal('x', 'c'));
  });

  it('refuses a value moved to another owner or altered', () => {
    const sealed = box.seal('secret', 'tenant:t1');
    expect(() => box.open(sealed, 'tenant:t2')).toThrow(SecretBoxError);
    const parts = sealed.split('.');
    parts[4] = Buffer.from('other').toString('base64url');
    expect(() => box.open(parts.join('.'), 'tenant:t1')).toThrow(/does not decrypt/);
  });

  it('names another key', () => {
    const other = new SecretBox(randomBytes(32));
    expect(() => other.open(box.seal('s', 'c'), 'c')).toThrow(/sealed under another key/);
  });

  it('signs a message so that only the same key checks it, and names another key', () => {
    const signature = box.sign('head 3');
    expect(box.checkSignature('head 3', signature)).toBe('valid');
    expect(box.checkSignature('head 4', signature)).toBe('invalid');
    expect(box.checkSignature('head 3', 'v1.x')).toBe('invalid');
    expect(new SecretBox(randomBytes(32)).checkSignature('head 3', signature)).toBe('other_key');
  });

  it('reads a key as hex or base64 and refuses anything else', () => {
    const key = randomBytes(32);
    expect(parseSecretKey(key.toString('hex'))).toEqual(key);
    expect(parseSecretKey(key.toString('base64'))).toEqual(key);
    expect(parseSecretKey(key.toString('base64url'))).toEqual(key);
    expect(() => parseSecretKey('short')).toThrow(/32 bytes/);
    expect(() => parseSecretKey(randomBytes(16).toString('hex'))).toThrow(/32 bytes/);
  });
});
