import { Verdict } from '#domain';
import { AnchorStatus, decideVerdict, type RegistryView } from '#ledger';

const NOW = 1_800_000_000;
const HK = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8';
const valid: RegistryView = {
  status: AnchorStatus.Valid,
  issuer: HK,
  issuerActive: true,
  anchoredAt: NOW - 86_400,
  expiresAt: NOW + 86_400,
};
const policy = { trustedIssuers: [HK], maxReportAgeSeconds: 30 * 86_400 };

describe('decideVerdict', () => {
  it('verifies a valid, young anchor by a trusted, active issuer', () => {
    expect(decideVerdict(valid, policy, NOW)).toBe(Verdict.VERIFIED);
  });

  it('compares issuer addresses without regard to case', () => {
    expect(decideVerdict(valid, { ...policy, trustedIssuers: [HK.toLowerCase()] }, NOW)).toBe(Verdict.VERIFIED);
  });

  it("trusts any active member only when the policy says 'any-member'", () => {
    expect(decideVerdict(valid, { ...policy, trustedIssuers: 'any-member' }, NOW)).toBe(Verdict.VERIFIED);
    expect(decideVerdict(valid, { ...policy, trustedIssuers: [] }, NOW)).toBe(Verdict.UNTRUSTED_ISSUER);
  });

  it('says NOT_ANCHORED for an unknown hash', () => {
    expect(decideVerdict({ ...valid, status: AnchorStatus.Unknown }, policy, NOW)).toBe(Verdict.NOT_ANCHORED);
  });

  it('says UNTRUSTED_ISSUER for an issuer outside the policy or no longer a member', () => {
    expect(decideVerdict(valid, { ...policy, trustedIssuers: ['0x' + '11'.repeat(20)] }, NOW)).toBe(
      Verdict.UNTRUSTED_ISSUER,
    );
    expect(decideVerdict({ ...valid, issuerActive: false }, { ...policy, trustedIssuers: 'any-member' }, NOW)).toBe(
      Verdict.UNTRUSTED_ISSUER,
    );
  });

  it('judges the issuer before revocation and expiry', () => {
    const revokedByFormerMember = { ...valid, status: AnchorStatus.Revoked, issuerActive: false };
    expect(decideVerdict(revokedByFormerMember, policy, NOW)).toBe(Verdict.UNTRUSTED_ISSUER);
  });

  it('says REVOKED before EXPIRED', () => {
    expect(decideVerdict({ ...valid, status: AnchorStatus.Revoked, expiresAt: NOW - 1 }, policy, NOW)).toBe(
      Verdict.REVOKED,
    );
  });

  it('says EXPIRED at the expiry second and after, and when older than the policy allows', () => {
    expect(decideVerdict({ ...valid, expiresAt: NOW }, policy, NOW)).toBe(Verdict.EXPIRED);
    expect(decideVerdict({ ...valid, status: AnchorStatus.Expired }, policy, NOW)).toBe(Verdict.EXPIRED);
    expect(decideVerdict({ ...valid, anchoredAt: NOW - 30 * 86_400 - 1 }, policy, NOW)).toBe(Verdict.EXPIRED);
    expect(decideVerdict({ ...valid, anchoredAt: NOW - 30 * 86_400 }, policy, NOW)).toBe(Verdict.VERIFIED);
  });
});
