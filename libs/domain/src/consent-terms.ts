/**
 * The purpose and data category a consent must name for lendbridge to process the report. Their own
 * module so the per-document consent (document-consent.ts) reads them without importing the
 * application's module (which imports the credit policies, which import the document set).
 */
export const REQUIRED_PURPOSE = 'credit-assessment';
export const REQUIRED_DATA_CATEGORY = 'credit-report';
