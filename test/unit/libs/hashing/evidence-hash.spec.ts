import { createHash } from 'node:crypto';
import { EVIDENCE_HASH_SCHEME, hashEvidence, newEvidenceSalt, sealEvidence } from '#hashing';

const SALT = '000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f';
const consent = {
  scope: ['credit-report', 'kyc'],
  givenAt: '2024-05-01T12:00:00Z',
  consent: true,
  applicantId: 'app-42',
};
// Written by hand from the RFC 8785 rules, not produced by the code under test.
const CONSENT_CANONICAL =
  '{"applicantId":"app-42","consent":true,"givenAt":"2024-05-01T12:00:00Z","scope":["credit-report","kyc"]}';
// (printf '\x00\x01...\x1f'; printf '%s' "$CONSENT_CANONICAL") | sha256sum
const CONSENT_HASH = 'b91900b181e244486c7e29a094033bb0d5afd7e2cc01cef8c92878c1a8cb0a80';

describe('hashEvidence', () => {
  it('equals SHA-256 over the salt bytes followed by the UTF-8 canonical JSON', () => {
    const independent = createHash('sha256')
      .update(Buffer.concat([Buffer.from(SALT, 'hex'), Buffer.from(CONSENT_CANONICAL, 'utf8')]))
      .digest('hex');
    expect(hashEvidence(consent, SALT)).toBe(independent);
    expect(hashEvidence(consent, SALT)).toBe(CONSENT_HASH);
  });

  it('hashes non-ASCII evidence as UTF-8', () => {
    const canonical = '{"decision":"approved","officer":"Zoë Ñúñez"}';
    const independent = createHash('sha256')
      .update(Buffer.concat([Buffer.from(SALT, 'hex'), Buffer.from(canonical, 'utf8')]))
      .digest('hex');
    expect(hashEvidence({ officer: 'Zoë Ñúñez', decision: 'approved' }, SALT)).toBe(independent);
  });

  it('gives the same hash for the same evidence and salt whatever the key order', () => {
    const reordered = {
      applicantId: 'app-42',
      consent: true,
      scope: ['credit-report', 'kyc'],
      givenAt: '2024-05-01T12:00:00Z',
    };
    expect(hashEvidence(reordered, SALT)).toBe(hashEvidence(consent, SALT));
  });

  it('gives a different hash with a different salt', () => {
    const otherSalt = `${SALT.slice(0, 63)}e`;
    expect(hashEvidence(consent, otherSalt)).not.toBe(hashEvidence(consent, SALT));
  });

  it('gives a different hash for different evidence', () => {
    expect(hashEvidence({ ...consent, consent: false }, SALT)).not.toBe(hashEvidence(consent, SALT));
  });

  it('does not equal the unsalted hash of the same evidence', () => {
    const unsalted = createHash('sha256').update(CONSENT_CANONICAL, 'utf8').digest('hex');
    expect(hashEvidence(consent, SALT)).not.toBe(unsalted);
  });

  it.each([
    ['an empty salt', ''],
    ['a 31-byte salt', SALT.slice(2)],
    ['a 33-byte salt', `${SALT}00`],
    ['an uppercase salt', SALT.toUpperCase()],
    ['a 0x-prefixed salt', `0x${SALT}`],
    ['a salt with a non-hex character', `${SALT.slice(0, 63)}x`],
  ])('throws for %s', (_name, salt) => {
    expect(() => hashEvidence(consent, salt)).toThrow(/salt/);
  });

  it('throws for evidence canonical JSON cannot represent', () => {
    expect(() => hashEvidence({ at: new Date(0) }, SALT)).toThrow(TypeError);
  });
});

describe('newEvidenceSalt', () => {
  it('returns 32 random bytes as 64 lowercase hex characters, different each time', () => {
    const first = newEvidenceSalt();
    const second = newEvidenceSalt();
    expect(first).toMatch(/^[0-9a-f]{64}$/);
    expect(second).toMatch(/^[0-9a-f]{64}$/);
    expect(first).not.toBe(second);
  });
});

describe('sealEvidence', () => {
  it('returns the scheme, a fresh salt, and the hash of the evidence under that salt', () => {
    const sealed = sealEvidence(consent);
    expect(sealed.scheme).toBe(EVIDENCE_HASH_SCHEME);
    expect(sealed.scheme).toBe('sha256-salted-jcs-v1');
    expect(sealed.salt).toMatch(/^[0-9a-f]{64}$/);
    expect(sealed.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(sealed.hash).toBe(hashEvidence(consent, sealed.salt));
  });

  it('uses a different salt, and so a different hash, every time the same evidence is sealed', () => {
    const first = sealEvidence(consent);
    const second = sealEvidence(consent);
    expect(first.salt).not.toBe(second.salt);
    expect(first.hash).not.toBe(second.hash);
  });
});
