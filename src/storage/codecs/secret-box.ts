import {
  createCipheriv,
  createDecipheriv,
  createHash,
  createHmac,
  randomBytes,
  timingSafeEqual,
} from 'node:crypto';

/**
 * Encrypts secrets (provider keys, channel tokens, callback secrets) before they are stored:
 * AES-256-GCM under the server's key (`OVERTURE_SECRET_KEY`), with what the secret belongs to
 * (tenant, owner) as associated data, so a stored value copied to another row or tenant does not
 * decrypt. A stored value reads `v1.<key id>.<iv>.<tag>.<ciphertext>` (base64url); the key id is
 * the start of the key's SHA-256, so a value sealed under another key is named as such.
 */
export class SecretBox {
  readonly #key: Buffer;
  /** Keys `sign`: derived from the key, so that no value is both encrypted and MACed under one key. */
  readonly #signingKey: Buffer;
  readonly keyId: string;

  constructor(key: Buffer) {
    if (key.length !== 32) throw new Error('a secret key is 32 bytes');
    this.#key = key;
    this.#signingKey = createHmac('sha256', key).update('overture signing key v1').digest();
    this.keyId = createHash('sha256').update(key).digest('base64url').slice(0, 8);
  }

  /** The key as configured: 32 bytes in base64 (44 characters) or hex (64). */
  static fromText(text: string): SecretBox {
    return new SecretBox(parseSecretKey(text));
  }

  seal(plain: string, context: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.#key, iv);
    cipher.setAAD(Buffer.from(context, 'utf8'));
    const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    const b64 = (b: Buffer) => b.toString('base64url');
    return `v1.${this.keyId}.${b64(iv)}.${b64(cipher.getAuthTag())}.${b64(body)}`;
  }

  open(stored: string, context: string): string {
    const parts = stored.split('.');
    if (parts.length !== 5 || parts[0] !== 'v1') throw new SecretBoxError('not a sealed secret');
    const [, keyId, iv, tag, body] = parts as [string, string, string, string, string];
    if (keyId !== this.keyId) {
      throw new SecretBoxError(`sealed under another key (${keyId}); this server's key is ${this.keyId}`);
    }
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.#key, Buffer.from(iv, 'base64url'));
      decipher.setAAD(Buffer.from(context, 'utf8'));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString(
        'utf8',
      );
    } catch {
      throw new SecretBoxError('does not decrypt: altered, or sealed for another owner');
    }
  }

  /**
   * An HMAC-SHA256 of `message` under a key derived from the server's key, as
   * `v1.<key id>.<mac>` (base64url): whoever can read and write the database, but not the key,
   * cannot make one.
   */
  sign(message: string): string {
    return `v1.${this.keyId}.${this.#mac(message).toString('base64url')}`;
  }

  /** Whether `signature` is `sign(message)`; one made under another key is named as such. */
  checkSignature(message: string, signature: string): 'valid' | 'invalid' | 'other_key' {
    const parts = signature.split('.');
    if (parts.length !== 3 || parts[0] !== 'v1') return 'invalid';
    if (parts[1] !== this.keyId) return 'other_key';
    const given = Buffer.from(parts[2]!, 'base64url');
    const expected = this.#mac(message);
    return given.length === expected.length && timingSafeEqual(given, expected) ? 'valid' : 'invalid';
  }

  #mac(message: string): Buffer {
    return createHmac('sha256', this.#signingKey).update(message, 'utf8').digest();
  }
}

export class SecretBoxError extends Error {
  override name = 'SecretBoxError';
}

/** 32 bytes from base64 or hex; throws naming the rule otherwise. */
export function parseSecretKey(text: string): Buffer {
  const t = text.trim();
  if (/^[0-9a-fA-F]{64}$/.test(t)) return Buffer.from(t, 'hex');
  if (/^[A-Za-z0-9+/_-]{43}=?$/.test(t)) {
    const key = Buffer.from(t, t.includes('-') || t.includes('_') ? 'base64url' : 'base64');
    if (key.length === 32) return key;
  }
  throw new Error(
    'must be 32 bytes, as 64 hex digits or 44 base64 characters (e.g. `openssl rand -base64 32`)',
  );
}
