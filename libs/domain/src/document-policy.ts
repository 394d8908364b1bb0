/**
 * A deployment's document rules, and the part of them one application is decided under. The
 * configuration (DOCUMENT_POLICY_FILE, or the defaults) holds the catalogue and the requirements of
 * every product; an application's policy carries only its own slots and the catalogue entries of the
 * kinds they name, fixed when it starts, so a later change of configuration never changes a running
 * application and its history says which rules it was decided under. Pure and deterministic.
 */
import {
  catalogueFromConfiguration,
  DEFAULT_DOCUMENT_CATALOGUE,
  documentKindSpec,
  type DocumentCatalogue,
  type DocumentKindSpec,
} from './document-catalogue.js';
import { type ApplicantType } from './document-kinds.js';
import {
  ANY_PRODUCT,
  DEFAULT_DOCUMENT_REQUIREMENTS,
  requirementFor,
  requirementsProblems,
  type DocumentRequirement,
  type RequirementSlot,
} from './document-requirements.js';
import { isPlainRecord, unknownKeyProblems, type InputProblem } from './field-names.js';

/** Which of the directions; repeated here to keep this module free of application.ts. */
type Direction = 'northbound' | 'southbound';

/** A deployment's catalogue of kinds and its requirements per product, applicant type and direction. */
export interface DocumentConfiguration {
  catalogue: DocumentCatalogue;
  requirements: readonly DocumentRequirement[];
}

export const DEFAULT_DOCUMENT_CONFIGURATION: DocumentConfiguration = {
  catalogue: DEFAULT_DOCUMENT_CATALOGUE,
  requirements: DEFAULT_DOCUMENT_REQUIREMENTS,
};

/** The document rules of one application: part of its policy, in its workflow input. */
export interface DocumentRules {
  /** Its requirement's slots: which documents, of which kind, whose, how many months. */
  slots: readonly RequirementSlot[];
  /** The catalogue entries of the kinds the slots name: decision fields, data category, age limit. */
  kinds: Readonly<Record<string, DocumentKindSpec>>;
}

export type DocumentConfigurationResult =
  { ok: true; configuration: DocumentConfiguration } | { ok: false; problems: InputProblem[] };

/**
 * The configuration from JSON: `{ "catalogue": { "kinds": { … } }, "requirements": [ … ] }`, each
 * optional (configured kinds are added to the standard ones; configured requirements replace the
 * defaults). Either the configuration or every problem found; never throws.
 */
export function documentConfigurationFrom(json: unknown): DocumentConfigurationResult {
  if (!isPlainRecord(json)) return { ok: false, problems: [{ field: 'documents', message: 'must be an object' }] };
  const problems = unknownKeyProblems(json, ['catalogue', 'requirements'], 'documents');
  const catalogue =
    json.catalogue === undefined
      ? { ok: true as const, catalogue: DEFAULT_DOCUMENT_CATALOGUE }
      : catalogueFromConfiguration(json.catalogue);
  if (!catalogue.ok) return { ok: false, problems: [...problems, ...catalogue.problems] };
  // Absent: the defaults. Present, it is checked whatever it is (null included): never silently ignored.
  const requirements = (
    json.requirements === undefined ? DEFAULT_DOCUMENT_REQUIREMENTS : json.requirements
  ) as readonly DocumentRequirement[];
  problems.push(...requirementsProblems(requirements, catalogue.catalogue));
  return problems.length > 0
    ? { ok: false, problems }
    : { ok: true, configuration: { catalogue: catalogue.catalogue, requirements } };
}

export type DocumentRulesLookup = { ok: true; rules: DocumentRules } | { ok: false; problem: InputProblem };

/** The rules of one application: its requirement's slots and their kinds' catalogue entries. */
export function documentRulesFor(
  configuration: DocumentConfiguration,
  application: { product: string; applicantType: ApplicantType; direction: Direction },
): DocumentRulesLookup {
  const found = requirementFor(configuration.requirements, application);
  if (!found.ok) return found;
  const kinds: Record<string, DocumentKindSpec> = {};
  for (const { kind } of found.requirement.slots) {
    const spec = documentKindSpec(configuration.catalogue, kind);
    // requirementsProblems refuses such a configuration; this guards one built in code.
    if (!spec) return { ok: false, problem: { field: 'product', message: 'its requirement names an unknown kind' } };
    kinds[kind] = spec;
  }
  return { ok: true, rules: { slots: found.requirement.slots, kinds } };
}

/**
 * The catalogue an application's documents and consent are read against: the standard kinds and
 * the kinds its rules carry. A consent may name a standard kind the application does not require
 * (it covers nothing there), as the API, which reads the deployment's catalogue, lets it.
 */
export function catalogueOfRules(rules: DocumentRules | undefined): DocumentCatalogue {
  return rules ? { kinds: { ...DEFAULT_DOCUMENT_CATALOGUE.kinds, ...rules.kinds } } : DEFAULT_DOCUMENT_CATALOGUE;
}

/**
 * Problems with rules that came with a workflow's input (a host may start one without the API):
 * slots as a configured requirement's, each naming a kind in `kinds`; a configured kind's entry as
 * the configuration would be checked; a standard kind's entry the standard one (the credit policy
 * reads its fields by name). Never throws.
 */
export function documentRulesProblems(
  rules: unknown,
  application: { applicantType: ApplicantType; direction: Direction },
): InputProblem[] {
  const field = 'policy.documents';
  if (!isPlainRecord(rules) || !isPlainRecord(rules.kinds))
    return [{ field, message: 'must name the slots and the kinds of the documents' }];
  const standard = DEFAULT_DOCUMENT_CATALOGUE.kinds;
  const problems: InputProblem[] = [];
  const configured: Record<string, unknown> = {};
  for (const [kind, spec] of Object.entries(rules.kinds)) {
    if (!Object.hasOwn(standard, kind)) configured[kind] = spec;
    else if (JSON.stringify(spec) !== JSON.stringify(standard[kind]))
      problems.push({ field: `${field}.kinds`, message: 'redefines a standard kind' });
  }
  const catalogue = catalogueFromConfiguration({ kinds: configured });
  if (!catalogue.ok)
    return [
      ...problems,
      ...catalogue.problems.map((p) => ({ ...p, field: `${field}.${p.field.replace(/^catalogue\./, '')}` })),
    ];
  const { applicantType, direction } = application;
  const requirement = { product: ANY_PRODUCT, applicantType, direction, slots: rules.slots } as DocumentRequirement;
  problems.push(
    ...requirementsProblems([requirement], catalogue.catalogue).map((p) => ({
      ...p,
      field: p.field.replace(/^requirements\.0/, field),
    })),
  );
  if (Array.isArray(rules.slots))
    rules.slots.forEach((slot: unknown, j) => {
      if (isPlainRecord(slot) && typeof slot.kind === 'string' && !Object.hasOwn(rules.kinds as object, slot.kind))
        problems.push({ field: `${field}.slots.${j}.kind`, message: 'is not one of the kinds the rules carry' });
    });
  return problems;
}
