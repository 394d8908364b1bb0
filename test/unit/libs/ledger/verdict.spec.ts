import { StandardDocumentKind, Verdict as Verdict } from '#domain';
import { documentKindId } from '#hashing';
import { AnchorStatus, decideVerdict, documentKindName, expectedKind, type RegistryView } from '#ledger';

const NOW = 1_800_000_000;
const HK = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8';
const valid: RegistryView = {
  status: AnchorStatus.Valid,
  issuer: HK,
  issuerActive: true,
  anchoredAt: NOW - 86_400,
  expiresAt: NOW + 86_400,
  kind: documentKindId(StandardDocumentKind.PERSONAL_CREDIT_REPORT),
  issuerTrustedForKind: true,
};
const CREDIT_REPORT = expectedKind(StandardDocumentKind.PERSONAL_CREDIT_REPORT);
const policy = { trustedIssuers: [HK], maxReportAgeSeconds: 30 * 86_400 };

describe('decideVerdict', () => {
  it('verifies a valid, young anchor by a trusted, active issuer', () => {
    expect(decideVerdict(valid, policy, NOW, CREDIT_REPORT).verdict).toBe(Verdict.VERIFIED);
  });

  it('compares issuer addresses without regard to case', () => {
    expect(decideVerdict(valid, { ...policy, trustedIssuers: [HK.toLowerCase()] }, NOW, CREDIT_REPORT).verdict).toBe(
      Verdict.VERIFIED,
    );
  });

  it("trusts any active member only when the policy says 'any-member'", () => {
    expect(decideVerdict(valid, { ...policy, trustedIssuers: 'any-member' }, NOW, CREDIT_REPORT).verdict).toBe(
      Verdict.VERIFIED,
    );
    expect(decideVerdict(valid, { ...policy, trustedIssuers: [] }, NOW, CREDIT_REPORT).verdict).toBe(
      Verdict.UNTRUSTED_ISSUER,
    );
  });

  it('says NOT_ANCHORED for an unknown hash', () => {
    expect(decideVerdict({ ...valid, status: AnchorStatus.Unknown }, policy, NOW, CREDIT_REPORT).verdict).toBe(
      Verdict.NOT_ANCHORED,
    );
  });

  it('says UNTRUSTED_ISSUER for an issuer outside the policy or no longer a member', () => {
    expect(
      decideVerdict(valid, { ...policy, trustedIssuers: ['0x' + '11'.repeat(20)] }, NOW, CREDIT_REPORT).verdict,
    ).toBe(Verdict.UNTRUSTED_ISSUER);
    expect(
      decideVerdict({ ...valid, issuerActive: false }, { ...policy, trustedIssuers: 'any-member' }, NOW, CREDIT_REPORT)
        .verdict,
    ).toBe(Verdict.UNTRUSTED_ISSUER);
  });

  it('judges the issuer before revocation and expiry', () => {
    const revokedByFormerMember = { ...valid, status: AnchorStatus.Revoked, issuerActive: false };
    expect(decideVerdict(revokedByFormerMember, policy, NOW, CREDIT_REPORT).verdict).toBe(Verdict.UNTRUSTED_ISSUER);
  });

  it('says REVOKED before EXPIRED', () => {
    expect(
      decideVerdict({ ...valid, status: AnchorStatus.Revoked, expiresAt: NOW - 1 }, policy, NOW, CREDIT_REPORT).verdict,
    ).toBe(Verdict.REVOKED);
  });

  it('says EXPIRED at the expiry second and after, and when older than the policy allows', () => {
    expect(decideVerdict({ ...valid, expiresAt: NOW }, policy, NOW, CREDIT_REPORT).verdict).toBe(Verdict.EXPIRED);
    expect(decideVerdict({ ...valid, status: AnchorStatus.Expired }, policy, NOW, CREDIT_REPORT).verdict).toBe(
      Verdict.EXPIRED,
    );
    expect(decideVerdict({ ...valid, anchoredAt: NOW - 30 * 86_400 - 1 }, policy, NOW, CREDIT_REPORT).verdict).toBe(
      Verdict.EXPIRED,
    );
    expect(decideVerdict({ ...valid, anchoredAt: NOW - 30 * 86_400 }, policy, NOW, CREDIT_REPORT).verdict).toBe(
      Verdict.VERIFIED,
    );
  });

  it('says UNTRUSTED_ISSUER, and why, for a document anchored as another kind than expected', () => {
    const statement = { ...valid, kind: documentKindId(StandardDocumentKind.BANK_STATEMENT) };
    expect(decideVerdict(statement, policy, NOW, CREDIT_REPORT)).toEqual({
      verdict: Verdict.UNTRUSTED_ISSUER,
      detail: `anchored by ${HK} as bank-statement, not as the expected personal-credit-report`,
    });
    expect(decideVerdict(statement, policy, NOW, expectedKind(StandardDocumentKind.BANK_STATEMENT))).toEqual({
      verdict: Verdict.VERIFIED,
    });
    // A kind outside the standard ones is named by its ledger id.
    const other = { ...valid, kind: documentKindId('tax-return') };
    expect(decideVerdict(other, policy, NOW, CREDIT_REPORT).detail).toContain(`as ${documentKindId('tax-return')},`);
  });

  it('says UNTRUSTED_ISSUER, and why, when the issuer is no longer trusted for the kind, before revocation', () => {
    const withdrawn = { ...valid, issuerTrustedForKind: false, status: AnchorStatus.Revoked };
    expect(decideVerdict(withdrawn, policy, NOW, CREDIT_REPORT)).toEqual({
      verdict: Verdict.UNTRUSTED_ISSUER,
      detail: `${HK} is no longer trusted for personal-credit-report on the ledger (the kind was withdrawn)`,
    });
  });

  it('names the standard kinds by their ids, case aside', () => {
    const id = documentKindId(StandardDocumentKind.CORPORATE_CREDIT_REPORT);
    expect(documentKindName(id.toUpperCase().replace('0X', '0x'))).toBe('corporate-credit-report');
  });
});
