import { DEFAULT_DOCUMENT_REQUIREMENTS, StandardDocumentKind } from '#domain';

/** A kind a deployment adds: a tax clearance certificate, clear or in arrears, at most 90 days old. */
export const TAX_CLEARANCE = 'tax-clearance';

/**
 * A deployment's document configuration (DOCUMENT_POLICY_FILE's content): the defaults, plus the
 * tax clearance kind and a trade-finance product that takes southbound companies only, on their
 * corporate credit report and that certificate.
 */
export const TRADE_FINANCE_DOCUMENTS = {
  catalogue: {
    kinds: {
      [TAX_CLEARANCE]: {
        dataCategory: 'tax-record',
        maxAgeDays: 90,
        fields: { status: { type: 'enum', values: ['clear', 'arrears'] } },
      },
    },
  },
  requirements: [
    ...DEFAULT_DOCUMENT_REQUIREMENTS,
    {
      product: 'trade-finance',
      applicantType: 'company',
      direction: 'southbound',
      slots: [
        { slot: 'company-credit-report', kind: StandardDocumentKind.CORPORATE_CREDIT_REPORT, subject: 'applicant' },
        { slot: 'tax-clearance', kind: TAX_CLEARANCE, subject: 'applicant' },
      ],
    },
  ],
};
