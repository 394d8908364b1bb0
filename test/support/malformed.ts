/**
 * Generators of malformed requests for the API's fuzz test (test/integration/api/malformed-requests.e2e.spec.ts),
 * and the small HTTP client that sends them byte for byte. Every generated request carries at least
 * one definite defect, so no answer but a 4xx problem is right; each says which 4xx it expects and
 * whether the answer must name the fields at fault.
 *
 * The patterns below restate the API's contract (libs/api/src/applications/application.dto.ts,
 * libs/api/src/reviews/review.dto.ts): a value is generated as invalid only if it breaks them.
 */
import { Agent, request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import fc from 'fast-check';

// ---------------------------------------------------------------------------------------------
// The wire
// ---------------------------------------------------------------------------------------------

/** What a right answer looks like. */
export interface Expectation {
  /** The statuses that are right for this request (all 4xx). */
  statuses: readonly number[];
  /** The answer must carry `errors: [{ field, message }]` (a DTO validation failure). */
  fieldErrors: boolean;
  /**
   * With fieldErrors: the fields the defects were put in. At least one reported field must be one
   * of them or lie below one (`requestedLimit.amount` for `requestedLimit`); a `body.` prefix is ignored.
   */
  fields?: readonly string[];
}

export type Caller = 'bankA' | 'alice' | 'bob';

export interface WireRequest {
  /** Endpoint and kind of malformation, for the summary. */
  category: string;
  caller: Caller;
  method: 'GET' | 'POST';
  /** Path and query as sent: already percent-encoded. */
  path: string;
  /** Exactly the headers sent besides Authorization and Content-Length; no Content-Type when absent. */
  headers: Readonly<Record<string, string>>;
  body?: Buffer;
  expect: Expectation;
  /** How long to wait for the answer, when it is known to be slow (the default is the client's). */
  timeoutMs?: number;
}

export interface WireResponse {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
  ms: number;
}

/**
 * One keep-alive connection, requests one after another; a request unanswered within `timeoutMs`
 * fails. An idle connection is let go before the server's keep-alive timeout (the agent reads the
 * server's `Keep-Alive: timeout=` hint only when it has a timeout of its own), and a request that
 * meets a connection the server closed in that same moment is sent again, once, on a new one.
 */
export class WireClient {
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 1, timeout: 60_000 });
  private readonly base: URL;

  constructor(
    baseUrl: string,
    private readonly timeoutMs: number,
  ) {
    this.base = new URL(baseUrl);
  }

  async send(wire: WireRequest, authorization: string): Promise<WireResponse> {
    try {
      return await this.sendOnce(wire, authorization);
    } catch (error) {
      if (!(error instanceof StaleConnectionError)) throw error;
      return await this.sendOnce(wire, authorization);
    }
  }

  private sendOnce(wire: WireRequest, authorization: string): Promise<WireResponse> {
    const started = Date.now();
    const headers: Record<string, string> = { ...wire.headers, authorization };
    if (wire.method === 'POST') headers['content-length'] = String(wire.body?.length ?? 0);
    return new Promise<WireResponse>((resolve, reject) => {
      const req = httpRequest(
        {
          host: this.base.hostname,
          port: this.base.port,
          method: wire.method,
          path: wire.path,
          headers,
          agent: this.agent,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('error', reject);
          res.on('end', () =>
            resolve({
              status: res.statusCode ?? 0,
              headers: res.headers,
              text: Buffer.concat(chunks).toString('utf8'),
              ms: Date.now() - started,
            }),
          );
        },
      );
      const timeoutMs = wire.timeoutMs ?? this.timeoutMs;
      req.setTimeout(timeoutMs, () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
      req.on('error', (error: NodeJS.ErrnoException) => {
        // Node's advice for keep-alive clients: a reset on a reused socket means it was closed while idle.
        reject(req.reusedSocket && error.code === 'ECONNRESET' ? new StaleConnectionError() : error);
      });
      req.end(wire.body);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}

class StaleConnectionError extends Error {}

/** A request that prints as a short, replayable description in fast-check's counterexamples. */
export function wire(request: WireRequest): WireRequest {
  return Object.defineProperty(request, fc.toStringMethod, { value: () => describeWire(request), enumerable: false });
}

export function describeWire(request: WireRequest): string {
  const headers = Object.entries(request.headers)
    .map(([name, value]) => `${name}: ${value}`)
    .join(', ');
  const body =
    request.body === undefined
      ? ''
      : ` body(${request.body.length} B)=${JSON.stringify(abbreviate(request.body.toString('utf8'), 400))}`;
  return `[${request.category}] ${request.method} ${abbreviate(request.path, 300)} as ${request.caller}; ${headers || 'no content type'}${body}`;
}

function abbreviate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max)}…(${text.length} chars)`;
}

// ---------------------------------------------------------------------------------------------
// The contract, restated
// ---------------------------------------------------------------------------------------------

export const RULES = {
  id: /^[A-Za-z0-9_.:-]{1,64}$/,
  code: /^[a-z0-9][a-z0-9-]{0,39}$/,
  hash: /^[0-9a-f]{64}$/,
  bytes32: /^0x[0-9a-f]{64}$/,
  address: /^0x[0-9a-fA-F]{40}$/,
  amount: /^(?!0+(\.0+)?$)(0|[1-9]\d{0,12})(\.\d{1,2})?$/,
  applicant: /^[A-Za-z0-9_.:-]{8,128}$/,
  jurisdiction: /^[A-Z]{2,3}$/,
  queue: /^[A-Z]{2,3}-(standard|senior)$/,
  /** A page token is the data Temporal returned and a MAC over it, both base64url. */
  pageToken: /^[A-Za-z0-9_-]{1,4096}\.[A-Za-z0-9_-]{22}$/,
  /** RFC 3339 date-time (with the separators it allows); see isDateTime for the calendar. */
  dateTime:
    /^(\d{4})-(0[1-9]|1[0-2])-([12]\d|0[1-9]|3[01])[ tT]([01]\d|2[0-3]):[0-5]\d:([0-5]\d|60)(\.\d+)?([zZ]|[-+]([01]\d|2[0-3]):[0-5]\d)$/,
} as const;

/** An RFC 3339 date-time on a day the month has: 2026-02-30 is no date, whatever the pattern says. */
export function isDateTime(value: string): boolean {
  const match = RULES.dateTime.exec(value);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  return day <= new Date(Date.UTC(year, month, 0)).getUTCDate();
}

export const CURRENCIES = ['HKD', 'CNY', 'USD', 'MOP'] as const;
export const DIRECTIONS = ['northbound', 'southbound'] as const;
export const APPLICANT_TYPES = ['person', 'company'] as const;
export const WITHDRAWAL_REASONS = [
  'applicant-request',
  'consent-withdrawn',
  'duplicate-application',
  'lender-cancelled',
] as const;
export const SCHEMES = ['sha256-raw-v1', 'sha256-jcs-v1'] as const;
export const SCORE_BANDS = ['A', 'B', 'C', 'D', 'E'] as const;
export const OUTCOMES = ['approve', 'decline', 'request-new-report'] as const;
export const STAGES = [
  'RECEIVED',
  'AWAITING_CONSENT',
  'AWAITING_REPORT',
  'VERIFYING',
  'IN_REVIEW',
  'DECIDING',
  'APPROVED',
  'DECLINED',
  'WITHDRAWN',
  'EXPIRED',
  'FAILED',
] as const;
export const FINAL_OUTCOMES = ['APPROVED', 'DECLINED', 'WITHDRAWN', 'EXPIRED', 'FAILED'] as const;

/**
 * Keys that name members of every object. Unknown keys like these are as unknown as any other,
 * and the JSON and multipart readers must refuse them like any other.
 */
export const OBJECT_MEMBER_KEYS = [
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'valueOf',
  'hasOwnProperty',
  'isPrototypeOf',
  'propertyIsEnumerable',
  'toLocaleString',
  '__defineGetter__',
  '__lookupSetter__',
] as const;

// ---------------------------------------------------------------------------------------------
// Values
// ---------------------------------------------------------------------------------------------

const HEX = [...'0123456789abcdef'];
const hex = (length: number): fc.Arbitrary<string> =>
  fc.string({ unit: fc.constantFrom(...HEX), minLength: length, maxLength: length });

/** 10k–200k characters: beyond every length rule, and often beyond the body limit. */
export const hugeString: fc.Arbitrary<string> = fc
  .tuple(fc.constantFrom('a', '7', 'Z', ' ', 'é', '中', '😀'), fc.integer({ min: 10_000, max: 200_000 }))
  .map(([unit, length]) => unit.repeat(Math.ceil(length / unit.length)));

/** Objects nested deeper than any DTO (the API refuses more than 16 levels). */
export const deepNest: fc.Arbitrary<unknown> = fc
  .tuple(fc.integer({ min: 17, max: 200 }), fc.constantFrom('object', 'array'))
  .map(([depth, shape]) => {
    let value: unknown = 'bottom';
    for (let level = 0; level < depth; level++) value = shape === 'object' ? { a: value } : [value];
    return value;
  });

/** Keys of unknown properties: anything but the DTO's own, often names of object members. */
export function unknownKey(known: readonly string[]): fc.Arbitrary<string> {
  return fc
    .oneof(
      { weight: 4, arbitrary: fc.string({ minLength: 1, maxLength: 20 }) },
      { weight: 2, arbitrary: fc.stringMatching(/^[a-z][A-Za-z0-9]{0,15}$/) },
      { weight: 1, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 12 }) },
      { weight: 3, arbitrary: fc.constantFrom(...OBJECT_MEMBER_KEYS) },
      {
        weight: 1,
        arbitrary: fc.constantFrom(...known.map((key) => `${key} `), ...known.map((key) => key.toUpperCase())),
      },
    )
    .filter((key) => !known.includes(key));
}

/** JSON values that are not strings (and not null): wrong for every string field. */
export const nonStringJson: fc.Arbitrary<unknown> = fc.oneof(
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.boolean(),
  fc.constant([]),
  fc.constant({}),
  fc.array(fc.jsonValue({ maxDepth: 2 }), { minLength: 1, maxLength: 4 }),
  fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 2 }), { minKeys: 1, maxKeys: 4 }),
  deepNest,
);

/** JSON values that are not numbers: wrong for every integer field. */
const nonNumberJson: fc.Arbitrary<unknown> = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.integer().map(String),
  fc.boolean(),
  fc.constant([]),
  fc.constant({}),
  fc.array(fc.integer(), { minLength: 1, maxLength: 3 }),
);

/** Any JSON value: for unknown fields, where nothing is right. */
export const anyJson: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
  { weight: 1, arbitrary: deepNest },
  { weight: 1, arbitrary: hugeString },
);

/** Strings the pattern refuses: near misses first, then anything, then huge ones. */
export function badString(pattern: RegExp, ...nearMisses: fc.Arbitrary<string>[]): fc.Arbitrary<string> {
  return fc
    .oneof(
      ...nearMisses.map((arbitrary) => ({ weight: 3, arbitrary })),
      { weight: 2, arbitrary: fc.string({ maxLength: 70 }) },
      { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 70 }) },
      { weight: 1, arbitrary: hugeString },
    )
    .filter((value) => !pattern.test(value));
}

/** Strings not among the allowed values: other cases, padding, neighbours, anything. */
export function notOneOf(values: readonly string[]): fc.Arbitrary<string> {
  const variants = values.flatMap((value) => [
    value.toUpperCase(),
    value.toLowerCase(),
    ` ${value}`,
    `${value} `,
    `${value}\n`,
    value.slice(1),
    `${value}x`,
    value.replace(/[-_]/g, ' '),
  ]);
  return fc
    .oneof(
      { weight: 3, arbitrary: fc.constantFrom(...variants, '', 'null', 'undefined', '*') },
      { weight: 2, arbitrary: fc.string({ maxLength: 30 }) },
      { weight: 1, arbitrary: hugeString },
    )
    .filter((value) => !values.includes(value));
}

/** Strings that are not date-times: other ISO 8601 forms, days the month lacks, missing parts, prose. */
export const notDateTime: fc.Arbitrary<string> = fc
  .oneof(
    // Days the month lacks: the pattern alone lets them through.
    {
      weight: 3,
      arbitrary: fc
        .tuple(
          fc.integer({ min: 1970, max: 2199 }),
          fc.constantFrom('02-29', '02-30', '02-31', '04-31', '06-31', '09-31', '11-31'),
          fc.constantFrom('T12:00:00Z', 't00:00:00.5+08:00', ' 23:59:59-05:00'),
        )
        .map(([year, day, time]) => `${year}-${day}${time}`),
    },
    fc.constantFrom(
      '2026-02-30T00:00:00Z',
      '2026-02-29T00:00:00Z',
      '2026-04-31T10:00:00Z',
      '2026-13-01T00:00:00Z',
      '2026-11-20',
      '2026-11-20T09:00Z',
      '2026-11-20T09:00:00',
      '2026-11-20T09:00:00+0100',
      '2026-W47-5T09:00:00Z',
      '2026-324T09:00:00Z',
      '20261120T090000Z',
      '2026-11-20T25:00:00Z',
      '2026-11-20T09:60:00Z',
      '20-11-2026',
      '11/20/2026',
      '2026/11/20',
      'tomorrow',
      'now',
      '1700000000',
      '2026-11-20T09:00:00+25:00',
      'T09:00:00Z',
      '',
    ),
    fc.date({ noInvalidDate: true }).map((date) => date.toUTCString()),
    fc.date({ noInvalidDate: true }).map((date) => String(date.getTime())),
    fc.string({ maxLength: 30 }),
    hugeString,
  )
  .filter((value) => !isDateTime(value));

/** Hashes that are not 64 lowercase hex characters: uppercase, one short or long, non-hex, prefixed. */
export const badHash: fc.Arbitrary<string> = badString(
  RULES.hash,
  hex(64).map((value) => `${value.slice(0, 10)}ABCDEF${value.slice(16)}`),
  hex(64).map((value) => value.toUpperCase()),
  hex(63),
  hex(65),
  fc
    .tuple(hex(64), fc.nat(63), fc.constantFrom('g', 'z', 'G', ' ', '-', 'é', '\u0000'))
    .map(([value, at, bad]) => `${value.slice(0, at)}${bad}${value.slice(at + 1)}`),
  hex(64).map((value) => `0x${value}`),
  hex(64).map((value) => `${value}\n`),
);

/** Amounts the API refuses: zero, negative, fractions of a cent, exponents, signs, separators, too many digits. */
export const badAmountString: fc.Arbitrary<string> = badString(
  RULES.amount,
  fc.constantFrom('0', '0.00', '00', '0.0', '-0', '.5', '5.', '01', '1,000.00', '1 000', '+1', '1e3', '1E3', 'NaN'),
  fc.constantFrom('Infinity', '-Infinity', '0x10', '１０', '١٢', '12.3.4', '', ' ', '1.', '1.000'),
  fc.integer({ min: 1, max: 1_000_000 }).map((value) => `-${value}`),
  fc
    .tuple(fc.integer({ min: 0, max: 1_000_000 }), fc.integer({ min: 100, max: 999_999 }))
    .map(([whole, fraction]) => `${whole}.${fraction}`),
  fc.tuple(fc.integer({ min: 1, max: 99 }), fc.integer({ min: -5, max: 20 })).map(([base, exp]) => `${base}e${exp}`),
  fc.bigInt({ min: 10n ** 13n, max: 10n ** 20n }).map(String),
);

/** Amounts as the wrong JSON type: numbers (the API wants decimal strings) and others. */
export const badAmount: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: badAmountString },
  {
    weight: 2,
    arbitrary: fc.oneof(
      fc.integer({ min: -1_000_000, max: 1_000_000 }),
      fc.double({ min: -1e6, max: 1e6, noNaN: true }),
      fc.constantFrom(1e21, 2.5e-7, 250000.0, 0),
    ),
  },
  { weight: 1, arbitrary: nonStringJson },
);

export const badCurrency: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 3, arbitrary: notOneOf(CURRENCIES) },
  { weight: 2, arbitrary: fc.constantFrom('EUR', 'XXX', 'hkd', 'HK', 'HKDD', 'ＨＫＤ', 'H K D', '$', 'RMB', '344') },
  { weight: 1, arbitrary: nonStringJson },
);

const badAddress = badString(
  RULES.address,
  hex(40),
  hex(39).map((value) => `0x${value}`),
  hex(41).map((value) => `0x${value}`),
  hex(40).map((value) => `0X${value}`),
  hex(40).map((value) => `0x${value.slice(0, 20)}g${value.slice(21)}`),
);

const badBytes32 = badString(
  RULES.bytes32,
  hex(64),
  hex(64).map((value) => `0x${value.toUpperCase()}`),
  hex(63).map((value) => `0x${value}`),
  hex(65).map((value) => `0x${value}`),
);

const badId = badString(
  RULES.id,
  fc.stringMatching(/^[A-Za-z0-9_.:-]{65,120}$/),
  fc.constantFrom('', 'has space', 'a/b', 'a#b', 'a?b', 'a%b', 'ä', 'a\u0000b', 'a\nb', 'a@b', '<script>'),
);

const badCode = badString(
  RULES.code,
  fc.constantFrom('', '-leading', 'Upper', 'with space', 'under_score', 'dot.ted', 'ünï', 'a'.repeat(41)),
  fc.stringMatching(/^[a-z0-9][a-z0-9-]{40,60}$/),
);

// ---------------------------------------------------------------------------------------------
// Fields and objects
// ---------------------------------------------------------------------------------------------

/** How one field of a DTO is made invalid. */
export interface FieldRule {
  /** A value the field accepts. */
  valid: unknown;
  /** Values it never accepts. */
  invalid: fc.Arbitrary<unknown>;
  /** Absence is a defect. */
  required: boolean;
  /** Null counts as absent (an optional field): then null is no defect. */
  nullAccepted?: boolean;
}

export type Rules = Readonly<Record<string, FieldRule>>;

export const text = (valid: string, invalid: fc.Arbitrary<string>, required = true): FieldRule => ({
  valid,
  invalid: fc.oneof({ weight: 3, arbitrary: invalid }, { weight: 1, arbitrary: nonStringJson }),
  required,
  nullAccepted: !required,
});

export const oneOf = (valid: string, values: readonly string[]): FieldRule => text(valid, notOneOf(values));

export const dateTime = (valid: string): FieldRule => text(valid, notDateTime);

export const integer = (valid: number, min: number, max: number): FieldRule => ({
  valid,
  invalid: fc.oneof(
    fc.integer({ min: max + 1 }),
    fc.integer({ max: min - 1 }),
    fc.double({ min, max, noNaN: true }).filter((value) => !Number.isInteger(value)),
    fc.constantFrom(0.5, 700.25, 1e21, -1e-7),
    nonNumberJson,
  ),
  required: true,
});

/** A list of codes: not a list, too few, too many, or a bad item among good ones. */
export const codes = (valid: readonly string[], min: number, max: number, required = true): FieldRule => {
  const good = fc.stringMatching(RULES.code);
  return {
    valid,
    invalid: fc.oneof(
      good,
      fc.integer(),
      fc.boolean(),
      fc.constant({}),
      fc.dictionary(fc.string({ maxLength: 5 }), good, { minKeys: 1, maxKeys: 3 }),
      fc.array(good, { minLength: max + 1, maxLength: max + 5 }),
      ...(min > 0 ? [fc.constant([])] : []),
      fc
        .tuple(
          fc.array(good, { maxLength: Math.min(max - 1, 4) }),
          fc.oneof(badCode, nonStringJson, fc.constant(null)),
          fc.nat(),
        )
        .map(([items, bad, at]) => {
          const list: unknown[] = [...items];
          list.splice(at % (items.length + 1), 0, bad);
          return list;
        }),
    ),
    required,
    nullAccepted: !required,
  };
};

/**
 * A nested DTO: a scalar, an array where an object belongs (empty, or holding a valid object), or
 * an object with defects of its own.
 */
export const nested = (rules: Rules, required = true): FieldRule => {
  const valid = validObject(rules);
  return {
    valid,
    invalid: fc.oneof(
      { weight: 1, arbitrary: fc.oneof(fc.string({ maxLength: 20 }), fc.integer(), fc.boolean()) },
      { weight: 2, arbitrary: fc.constantFrom<unknown>([], [valid], [valid, valid], [[]]) },
      { weight: 3, arbitrary: malformedObject(rules).map(({ value }) => value) },
    ),
    required,
    nullAccepted: !required,
  };
};

export function validObject(rules: Rules): Record<string, unknown> {
  const value: Record<string, unknown> = {};
  for (const [key, rule] of Object.entries(rules)) if (rule.required) setOwn(value, key, rule.valid);
  return value;
}

/** Sets an own property, whatever the key: `__proto__` included, so it really ends up in the JSON. */
export function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

type Defect = { kind: 'invalid' | 'unknown'; key: string; value: unknown } | { kind: 'missing'; key: string };

export interface Malformed {
  value: Record<string, unknown>;
  /** The keys the defects were put in. */
  touched: string[];
}

/**
 * A DTO-shaped object with one to three defects: a field with an invalid value, a required field
 * missing, or an unknown field. Optional fields are present, valid, at random.
 */
export function malformedObject(rules: Rules): fc.Arbitrary<Malformed> {
  const keys = Object.keys(rules);
  const required = keys.filter((key) => rules[key]!.required);
  const optional = keys.filter((key) => !rules[key]!.required);
  const invalidValue = (rule: FieldRule): fc.Arbitrary<unknown> =>
    rule.nullAccepted ? rule.invalid : fc.oneof({ weight: 6, arbitrary: rule.invalid }, fc.constant(null));
  const defect: fc.Arbitrary<Defect> = fc.oneof(
    {
      weight: 6,
      arbitrary: fc
        .constantFrom(...keys)
        .chain((key) => invalidValue(rules[key]!).map((value): Defect => ({ kind: 'invalid', key, value }))),
    },
    ...(required.length > 0
      ? [{ weight: 2, arbitrary: fc.constantFrom(...required).map((key): Defect => ({ kind: 'missing', key })) }]
      : []),
    {
      weight: 2,
      arbitrary: fc.tuple(unknownKey(keys), anyJson).map(([key, value]): Defect => ({ kind: 'unknown', key, value })),
    },
  );
  return fc
    .record({ present: fc.subarray(optional), defects: fc.array(defect, { minLength: 1, maxLength: 3 }) })
    .map(({ present, defects }) => {
      const value = validObject(rules);
      for (const key of present) setOwn(value, key, rules[key]!.valid);
      for (const item of defects) {
        if (item.kind === 'missing') delete value[item.key];
        else setOwn(value, item.key, item.value);
      }
      return { value, touched: [...new Set(defects.map((item) => item.key))] };
    });
}

// ---------------------------------------------------------------------------------------------
// The DTOs
// ---------------------------------------------------------------------------------------------

export const MONEY: Rules = {
  amount: { valid: '1000.00', invalid: badAmount, required: true },
  currency: { valid: 'HKD', invalid: badCurrency, required: true },
};

/** Not an applicant type: the generic neighbours, and the capitalised and synonymous ones a client might send. */
const notApplicantType = fc.oneof(
  notOneOf(APPLICANT_TYPES),
  fc.constantFrom('Person', 'Company', 'individual', 'corporate', 'sme', 'person,company'),
);

export const CREATE: Rules = {
  applicationId: text('FZ-placeholder', badId),
  loanSystemReference: text('LOS-FUZZ', badId),
  product: text('sme-credit-line', badCode),
  requestedLimit: nested(MONEY),
  applicantReference: text(
    'pseudonym-FUZZ0001',
    badString(RULES.applicant, fc.stringMatching(/^[A-Za-z0-9]{1,7}$/), fc.constantFrom('Jane Doe', 'A123456(7)')),
  ),
  applicantType: text('person', notApplicantType),
  direction: oneOf('southbound', DIRECTIONS),
  reviewJurisdiction: text(
    'HK',
    badString(RULES.jurisdiction, fc.constantFrom('hk', 'H', 'HKSA', 'H1', ' HK', 'Hk', 'ＨＫ')),
  ),
};

export function consentRules(issuer: string): Rules {
  return {
    purposes: codes(['credit-assessment'], 1, 10),
    dataCategories: codes(['credit-report'], 1, 10),
    direction: oneOf('southbound', DIRECTIONS),
    issuer: text(issuer, badAddress),
    validUntil: dateTime('2099-12-31T23:59:59Z'),
    consentTextHash: text('c'.repeat(64), badHash),
    channel: text('mobile-app', badCode),
    capturedAt: dateTime('2026-11-20T09:00:00Z'),
  };
}

export const DECISION_FIELDS: Rules = {
  score: integer(700, 0, 1000),
  scoreBand: oneOf('B', SCORE_BANDS),
  delinquencyFlags: codes([], 0, 20),
};

export const BATCH: Rules = {
  merkleRoot: text(`0x${'ab'.repeat(32)}`, badBytes32),
  proof: {
    valid: [`0x${'cd'.repeat(32)}`],
    invalid: fc.oneof(
      badBytes32,
      fc.constant({}),
      fc.array(fc.stringMatching(RULES.bytes32), { minLength: 65, maxLength: 66 }),
      fc.array(badBytes32, { minLength: 1, maxLength: 3 }),
    ),
    required: true,
  },
};

export function reportRules(issuer: string): Rules {
  return {
    reportHash: text('ab'.repeat(32), badHash),
    scheme: oneOf('sha256-raw-v1', SCHEMES),
    claimedIssuer: text(issuer, badAddress, false),
    batch: nested(BATCH, false),
    decisionFields: nested(DECISION_FIELDS),
  };
}

export const WITHDRAWAL: Rules = { reasonCode: oneOf('applicant-request', WITHDRAWAL_REASONS) };

/** The decision's rules depend on its outcome: what approve needs, decline does not. */
export function decisionRules(outcome: (typeof OUTCOMES)[number]): Rules {
  const limit = nested(MONEY, outcome === 'approve');
  const reasons = codes(['insufficient-income'], 1, 10, outcome === 'decline');
  return {
    outcome: oneOf(outcome, OUTCOMES),
    // Present, these are checked whatever the outcome: null is never right for them.
    recommendedLimit: { ...limit, nullAccepted: false },
    reasonCodes: { ...reasons, nullAccepted: false },
    notes: text(
      'checked against payslips',
      badString(/^[\s\S]{0,2000}$/, fc.string({ minLength: 2001, maxLength: 2100 })),
      false,
    ),
  };
}

export const LIST_QUERY: Readonly<Record<string, { valid: string; invalid: fc.Arbitrary<string> }>> = {
  stage: { valid: 'AWAITING_REPORT', invalid: notOneOf(STAGES) },
  outcome: { valid: 'APPROVED', invalid: notOneOf(FINAL_OUTCOMES) },
  applicantType: { valid: 'company', invalid: notApplicantType },
  queue: {
    valid: 'HK-standard',
    invalid: badString(RULES.queue, fc.constantFrom('hk-standard', 'HK-junior', 'HK_standard', 'HKSAR-senior')),
  },
  createdFrom: { valid: '2026-01-01T00:00:00Z', invalid: notDateTime },
  createdTo: { valid: '2099-01-01T00:00:00Z', invalid: notDateTime },
  pageSize: {
    valid: '50',
    invalid: fc
      .oneof(
        fc.constantFrom('0', '-1', '201', '1000', '1.5', '50.0001', 'abc', '', ' ', '1e3', 'NaN', 'Infinity', '2^5'),
        fc.integer({ min: 201 }).map(String),
        fc.integer({ max: 0 }).map(String),
        fc.string({ maxLength: 10 }),
      )
      .filter((value) => {
        const number = Number(value);
        return !(Number.isInteger(number) && number >= 1 && number <= 200);
      }),
  },
  // A well-formed token with a forged MAC is left out on purpose: see the regressions in the spec.
  pageToken: {
    valid: '',
    invalid: badString(
      RULES.pageToken,
      fc.constantFrom('', 'a+b', 'a/b', 'abc=', 'a b', 'abc', 'abc.', `abc.${'A'.repeat(21)}`, `abc.${'A'.repeat(23)}`),
      fc.stringMatching(/^[A-Za-z0-9_-]{1,40}$/),
      fc.stringMatching(/^[A-Za-z0-9_-]{4097,4200}\.[A-Za-z0-9_-]{22}$/),
    ),
  },
};

// ---------------------------------------------------------------------------------------------
// Bodies on the wire
// ---------------------------------------------------------------------------------------------

/** Text that is not JSON (never empty: an empty body is no body). */
export const notJsonText: fc.Arbitrary<string> = fc
  .oneof(
    fc.constantFrom('{', '}', '{"a":', "{'a':1}", '{a:1}', '[1,]', '{"a":1,}', 'NaN', 'undefined', '{"a":01}'),
    fc.constantFrom('{"a":"\\x"}', '/* c */ {}', '{"a":1} x', '\u0000', 'nul', 'tru', '{"a" 1}', ' '),
    fc.string({ minLength: 1, maxLength: 40 }),
  )
  .filter((text) => text.length > 0 && !parsesAsJson(text));

export function parsesAsJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/** The same JSON document, broken: truncated, re-quoted, with a stray character or a trailing comma. */
export function brokenJson(valid: string): fc.Arbitrary<string> {
  return fc
    .oneof(
      fc.integer({ min: 1, max: valid.length - 1 }).map((length) => valid.slice(0, length)),
      fc.constant(valid.replaceAll('"', "'")),
      fc.constant(valid.replace(/"([A-Za-z]+)":/g, '$1:')),
      fc.constant(`${valid.slice(0, -1)},}`),
      fc.constant(`${valid.slice(0, -1)},"n":NaN}`),
      fc.constant(`${valid}${valid}`),
      fc
        .tuple(fc.nat(valid.length), fc.constantFrom('}', '{', ',', ':', '"', 'x', '\\', '\u0000'))
        .map(([at, stray]) => `${valid.slice(0, at)}${stray}${valid.slice(at)}`),
      notJsonText,
    )
    .filter((text) => text.length > 0 && !parsesAsJson(text));
}

export interface MultipartPart {
  name?: string;
  filename?: string;
  type?: string;
  headers?: string[];
  content: Buffer;
}

export function encodeMultipart(boundary: string, parts: readonly MultipartPart[], closed = true): Buffer {
  const chunks: Buffer[] = [];
  for (const part of parts) {
    let disposition = 'form-data';
    if (part.name !== undefined) disposition += `; name="${part.name}"`;
    if (part.filename !== undefined) disposition += `; filename="${part.filename}"`;
    const head = [`--${boundary}`, `Content-Disposition: ${disposition}`];
    if (part.type) head.push(`Content-Type: ${part.type}`);
    head.push(...(part.headers ?? []));
    chunks.push(Buffer.from(`${head.join('\r\n')}\r\n\r\n`), part.content, Buffer.from('\r\n'));
  }
  if (closed) chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return Buffer.concat(chunks);
}

export interface MultipartCase {
  defect: string;
  contentType: string;
  body: Buffer;
  expect: Expectation;
}

/** Per text field of an upload, in bytes; a longer one is refused with 413. */
export const UPLOAD_FIELD_LIMIT = 16 * 1024;
const UPLOAD_FIELDS = ['scheme', 'claimedIssuer', 'batch', 'decisionFields'];

/**
 * Credit-report uploads (multipart/form-data) with one defect each: in the form's structure
 * (parts, names, boundary, encoding), in the report file, or in the text fields the DTO checks.
 */
export function malformedUploads(issuer: string): fc.Arbitrary<MultipartCase> {
  const validFields = {
    scheme: 'sha256-raw-v1',
    decisionFields: JSON.stringify(validObject(DECISION_FIELDS)),
    claimedIssuer: issuer,
    batch: JSON.stringify(validObject(BATCH)),
  };
  const invalid = (fields?: string[]): Expectation =>
    fields ? { statuses: [400], fieldErrors: true, fields } : { statuses: [400], fieldErrors: false };
  const tooLongOr = (value: string, otherwise: Expectation): Expectation =>
    Buffer.byteLength(value) > UPLOAD_FIELD_LIMIT ? { statuses: [413], fieldErrors: false } : otherwise;
  /** A valid name nobody expects. */
  const strangerName = fc
    .oneof(
      fc.stringMatching(/^[A-Za-z][A-Za-z0-9_.-]{0,20}$/),
      fc.constantFrom(
        'toString',
        'valueOf',
        'hasOwnProperty',
        'isPrototypeOf',
        'reportHash',
        'Scheme',
        'decisionfields',
      ),
    )
    .filter((name) => name !== 'report' && !UPLOAD_FIELDS.includes(name));
  const badName = fc
    .oneof(
      fc.stringMatching(/^[0-9_.-][A-Za-z0-9]{0,10}$/),
      fc.stringMatching(/^[A-Za-z]{65,80}$/),
      fc.constantFrom('', 'a b', 'a!', 'é', 'na@me', 'a/b', 'a:b', '[0]', 'a[b]'),
    )
    .filter((name) => !/^[A-Za-z][A-Za-z0-9_.-]{0,63}$/.test(name));

  type Fields = [string, string][];
  type Edit = {
    defect: string;
    expect: Expectation;
    fields?: (fields: Fields) => Fields;
    report?: (report: MultipartPart) => MultipartPart[];
    contentType?: (boundary: string) => string;
    closed?: boolean;
    cut?: number;
  };
  const replace =
    (name: string, value: string) =>
    (fields: Fields): Fields => [...fields.filter(([key]) => key !== name), [name, value]];
  const drop =
    (name: string) =>
    (fields: Fields): Fields =>
      fields.filter(([key]) => key !== name);
  const add =
    (...extra: Fields) =>
    (fields: Fields): Fields => [...fields, ...extra];

  const edits: fc.Arbitrary<Edit>[] = [
    fc.constant({ defect: 'scheme missing', expect: invalid(), fields: drop('scheme') }),
    notOneOf(SCHEMES).map((scheme) => ({
      defect: 'scheme unknown',
      expect: tooLongOr(scheme, invalid()),
      fields: replace('scheme', scheme),
    })),
    notJsonText.map((text) => ({
      defect: 'decisionFields not JSON',
      expect: invalid(['decisionFields']),
      fields: replace('decisionFields', text),
    })),
    fc.oneof(nested(DECISION_FIELDS).invalid, fc.constant(null)).map((value) => {
      const text = JSON.stringify(value);
      return {
        defect: 'decisionFields invalid',
        expect: tooLongOr(text, invalid(['decisionFields'])),
        fields: replace('decisionFields', text),
      };
    }),
    fc.constant({
      defect: 'decisionFields missing',
      expect: invalid(['decisionFields']),
      fields: drop('decisionFields'),
    }),
    fc.tuple(strangerName, fc.string({ maxLength: 20 })).map(([name, value]) => ({
      defect: 'unknown field',
      expect: invalid([name]),
      fields: add([name, value]),
    })),
    fc.constantFrom('__proto__', 'constructor', 'prototype').map((name) => ({
      defect: 'object member as field name',
      expect: invalid(),
      fields: add([name, '{"polluted":true}']),
    })),
    badName.map((name) => ({ defect: 'bad field name', expect: invalid(), fields: add([name, 'x']) })),
    fc.constantFrom('scheme', 'decisionFields').map((name) => ({
      defect: 'field sent twice',
      expect: invalid(),
      fields: (fields: Fields) => [...fields, ...fields.filter(([key]) => key === name)],
    })),
    fc.constant({
      defect: 'report as a text field',
      expect: invalid(),
      report: (report: MultipartPart) => [{ name: 'report', content: report.content }],
    }),
    fc.constant({ defect: 'no report', expect: invalid(), report: () => [] }),
    fc.constant({
      defect: 'empty report',
      expect: invalid(),
      report: (report: MultipartPart) => [{ ...report, content: Buffer.alloc(0) }],
    }),
    fc.constant({
      defect: 'two reports',
      expect: invalid(),
      report: (report: MultipartPart) => [report, report],
    }),
    strangerName.map((name) => ({
      defect: 'another file',
      expect: invalid(),
      report: (report: MultipartPart) => [{ ...report, name }, report],
    })),
    fc
      .tuple(fc.constantFrom(...UPLOAD_FIELDS, 'notes'), fc.integer({ min: UPLOAD_FIELD_LIMIT + 1, max: 200_000 }))
      .map(([name, length]) => ({
        defect: 'field too long',
        expect: { statuses: [413], fieldErrors: false },
        fields: replace(name, 'x'.repeat(length)),
      })),
    fc.integer({ min: 9, max: 20 }).map((count) => ({
      defect: 'too many fields',
      expect: invalid(),
      fields: add(...Array.from({ length: count }, (_, i): [string, string] => [`extra${i}`, 'x'])),
    })),
    fc.constant({ defect: 'no closing boundary', expect: invalid(), closed: false }),
    fc.integer({ min: 1, max: 400 }).map((cut) => ({ defect: 'body cut short', expect: invalid(), cut })),
    fc.constantFrom('base64', 'quoted-printable', 'x-custom').map((encoding) => ({
      defect: 'report with a transfer encoding',
      expect: invalid(),
      report: (report: MultipartPart) => [{ ...report, headers: [`Content-Transfer-Encoding: ${encoding}`] }],
    })),
    fc
      .constantFrom('multipart/form-data', 'multipart/form-data; boundary=', 'multipart/form-data; charset=utf-8')
      .map((type) => ({ defect: 'no boundary', expect: invalid(), contentType: () => type })),
    fc.constant({
      defect: 'another boundary',
      expect: invalid(),
      contentType: (boundary: string) => `multipart/form-data; boundary=x${boundary}`,
    }),
    fc.constant({
      defect: 'JCS report that is not JSON',
      // The form is well formed; its file is not what the scheme reads.
      expect: { statuses: [422], fieldErrors: false },
      fields: replace('scheme', 'sha256-jcs-v1'),
    }),
    fc
      .oneof(
        badAddress,
        nonStringJson.map((value) => JSON.stringify(value)),
      )
      .map((value) => ({
        defect: 'claimedIssuer invalid',
        expect: tooLongOr(value, invalid(['claimedIssuer'])),
        fields: replace('claimedIssuer', value),
      })),
    fc
      .oneof(
        notJsonText,
        nested(BATCH, false).invalid.map((value) => JSON.stringify(value)),
      )
      .map((text) => ({
        defect: 'batch invalid',
        expect: tooLongOr(text, invalid(['batch'])),
        fields: replace('batch', text),
      })),
    fc.constantFrom('multipart/mixed', 'multipart/related', 'multipart/alternative').map((type) => ({
      defect: 'not form-data',
      expect: { statuses: [415], fieldErrors: false },
      contentType: (boundary: string) => `${type}; boundary=${boundary}`,
    })),
  ];

  return fc
    .record({
      edit: fc.oneof(...edits),
      optional: fc.subarray(['claimedIssuer', 'batch'] as const),
      // '%PDF': never a JSON document, so a JCS report is refused for its content, a raw one hashed.
      report: fc
        .uint8Array({ minLength: 1, maxLength: 2048 })
        .map((bytes) => Buffer.concat([Buffer.from('%PDF'), bytes])),
      boundary: hex(24).map((value) => `----fuzz${value}`),
    })
    .map(({ edit, optional, report, boundary }) => {
      let fields: Fields = [
        ['scheme', validFields.scheme],
        ['decisionFields', validFields.decisionFields],
        ...optional.map((name): [string, string] => [name, validFields[name]]),
      ];
      if (edit.fields) fields = edit.fields(fields);
      const reportPart: MultipartPart = {
        name: 'report',
        filename: 'report.pdf',
        type: 'application/pdf',
        content: report,
      };
      const reports = edit.report ? edit.report(reportPart) : [reportPart];
      const textParts = fields.map(([name, value]): MultipartPart => ({ name, content: Buffer.from(value) }));
      // Parts in any order are an upload; the scheme first is the order the docs give.
      const parts = [...textParts, ...reports];
      let body = encodeMultipart(boundary, parts, edit.closed ?? true);
      if (edit.cut !== undefined) body = body.subarray(0, Math.min(edit.cut, body.length - 10));
      const contentType = edit.contentType ? edit.contentType(boundary) : `multipart/form-data; boundary=${boundary}`;
      return { defect: edit.defect, contentType, body, expect: edit.expect };
    });
}

// ---------------------------------------------------------------------------------------------
// Endpoints: the request's frame (media type, JSON text, size, path) broken instead of a field
// ---------------------------------------------------------------------------------------------

export interface JsonEndpoint {
  name: string;
  caller: Caller;
  /** The path for these (raw) path parameters; they are percent-encoded here. */
  path: (params: Readonly<Record<string, string>>) => string;
  /** Path parameters naming the target, all valid. */
  params: Readonly<Record<string, string>>;
  /** A body the endpoint accepts. */
  valid: Readonly<Record<string, unknown>>;
  /** A nested object of `valid`, where object-member keys are tried too. */
  nestedKey?: string;
  /** The right answer to `application/json` without a body. */
  emptyBody: Expectation;
  /** The endpoint also reads multipart/form-data, so that media type is no defect here. */
  multipartAllowed: boolean;
}

export const enc = encodeURIComponent;
const JSON_TYPE = { 'content-type': 'application/json' };
const refused = (statuses: number[]): Expectation => ({ statuses, fieldErrors: false });

/** Media types that are not JSON (or that the API does not read as JSON). */
const NOT_JSON_TYPES = [
  'text/plain',
  'text/plain; charset=utf-8',
  'text/json',
  'application/x-www-form-urlencoded',
  'application/xml',
  'application/octet-stream',
  'application/merge-patch+json',
  'application/vnd.api+json',
  'application/jsonx',
  'image/png',
];

export function frameDefects(endpoint: JsonEndpoint, bodyLimit: number): fc.Arbitrary<WireRequest> {
  const path = endpoint.path(endpoint.params);
  const validText = JSON.stringify(endpoint.valid);
  const request = (category: string, headers: Record<string, string>, body: Buffer | undefined, expect: Expectation) =>
    wire({
      category: `${endpoint.name}/${category}`,
      caller: endpoint.caller,
      method: 'POST',
      path,
      headers,
      body,
      expect,
    });
  const jsonText = (category: string, text: string, expect: Expectation) =>
    request(category, JSON_TYPE, Buffer.from(text), expect);
  const contentTypes = endpoint.multipartAllowed
    ? NOT_JSON_TYPES
    : [...NOT_JSON_TYPES, 'multipart/form-data; boundary=fuzz'];

  return fc.oneof(
    brokenJson(validText).map((text) => jsonText('invalid JSON', text, refused([400]))),
    fc
      .constantFrom(
        'null',
        'true',
        'false',
        '0',
        '-1.5',
        '1e400',
        '"a string"',
        `"${validText.replaceAll('"', '\\"')}"`,
      )
      .map((text) => jsonText('JSON scalar', text, refused([400]))),
    fc
      .constantFrom('[]', `[${validText}]`, '[1,"a",null]', '[[]]', `[${validText},${validText}]`)
      .map((text) => jsonText('JSON array', text, { statuses: [400], fieldErrors: true })),
    fc.tuple(fc.constantFrom(...contentTypes), fc.oneof(fc.constant(validText), notJsonText)).map(([type, text]) =>
      // The JSON parser also reads application/*+json, so broken JSON of such a type may be refused as such.
      request(
        'wrong media type',
        { 'content-type': type },
        Buffer.from(text),
        refused(/\+json/.test(type) && !parsesAsJson(text) ? [400, 415] : [415]),
      ),
    ),
    fc
      .oneof(fc.constant(validText), notJsonText)
      .map((text) => request('no media type', {}, Buffer.from(text), refused([415]))),
    fc
      .constantFrom('latin1', 'iso-8859-1', 'us-ascii', 'windows-1252', 'shift_jis')
      .map((charset) =>
        request(
          'unsupported charset',
          { 'content-type': `application/json; charset=${charset}` },
          Buffer.from(validText),
          refused([415]),
        ),
      ),
    fc
      .constantFrom('compress', 'x-custom', 'snappy')
      .map((encoding) =>
        request(
          'unsupported encoding',
          { ...JSON_TYPE, 'content-encoding': encoding },
          Buffer.from(validText),
          refused([415]),
        ),
      ),
    fc
      .constantFrom('gzip', 'deflate')
      .map((encoding) =>
        request(
          'not compressed',
          { ...JSON_TYPE, 'content-encoding': encoding },
          Buffer.from(validText),
          refused([400]),
        ),
      ),
    fc
      .tuple(fc.integer({ min: bodyLimit + 1, max: 200_000 }), fc.constantFrom('field', 'array'))
      .map(([size, shape]) => {
        const text =
          shape === 'field'
            ? `{"padding":"${'x'.repeat(size)}",${validText.slice(1)}`
            : `[${Array.from({ length: Math.ceil(size / 2) }, () => '1').join(',')}]`;
        return jsonText('too large', text, refused([413]));
      }),
    fc
      .tuple(fc.constantFrom('__proto__', 'constructor', 'prototype'), fc.jsonValue({ maxDepth: 2 }), fc.boolean())
      .map(([key, value, inNested]) => {
        const member = `"${key}":${JSON.stringify(value)}`;
        const anchor = `"${endpoint.nestedKey ?? ''}":{`;
        const nestedKey = inNested && validText.includes(anchor) ? endpoint.nestedKey : undefined;
        const text = nestedKey
          ? validText.replace(anchor, () => `${anchor}${member},`)
          : `{${member},${validText.slice(1)}`;
        return jsonText('object member key', text, { statuses: [400], fieldErrors: true, fields: [nestedKey ?? key] });
      }),
    deepNest.map((deep) =>
      jsonText('nested too deep', JSON.stringify({ ...endpoint.valid, deep }), {
        statuses: [400],
        fieldErrors: true,
        fields: ['deep'],
      }),
    ),
    fc.constant(request('empty JSON body', JSON_TYPE, Buffer.alloc(0), endpoint.emptyBody)),
  );
}

/** Path parameters that break the id rule: too long, or a character outside A-Z a-z 0-9 _ . : - */
export const badPathParam: fc.Arbitrary<string> = fc.oneof(
  fc.stringMatching(/^[A-Za-z0-9_.:-]{65,300}$/),
  fc
    .tuple(
      fc.stringMatching(/^[A-Za-z0-9_.:-]{0,20}$/),
      fc.string({ unit: 'binary', minLength: 1, maxLength: 3 }).filter((text) => /[^A-Za-z0-9_.:-]/.test(text)),
      fc.stringMatching(/^[A-Za-z0-9_.:-]{0,20}$/),
    )
    .map(([before, bad, after]) => `${before}${bad}${after}`),
  fc.constantFrom('a/b', '../FUZZ-TARGET', 'FUZZ-TARGET/', 'FUZZ TARGET', 'FUZZ-TARGET?x=1', 'ＦＵＺＺ', '%', '#'),
);

/** The endpoint with a valid body but one or more malformed path parameters. */
export function pathDefects(endpoint: JsonEndpoint): fc.Arbitrary<WireRequest> {
  const names = Object.keys(endpoint.params);
  return fc
    .tuple(
      fc.subarray(names, { minLength: 1 }),
      fc.array(badPathParam, { minLength: names.length, maxLength: names.length }),
    )
    .map(([broken, values]) => {
      const params = { ...endpoint.params };
      broken.forEach((name, i) => (params[name] = values[i]!));
      return wire({
        category: `${endpoint.name}/bad path parameter`,
        caller: endpoint.caller,
        method: 'POST',
        path: endpoint.path(params),
        headers: JSON_TYPE,
        body: Buffer.from(JSON.stringify(endpoint.valid)),
        expect: { statuses: [400], fieldErrors: true, fields: broken },
      });
    });
}

/** A DTO-shaped body with defects in its fields, or too large once they are in. */
export function fieldDefects(endpoint: JsonEndpoint, bodies: fc.Arbitrary<Malformed>, bodyLimit: number) {
  return bodies.map(({ value, touched }) => {
    const body = Buffer.from(JSON.stringify(value));
    const tooLarge = body.length > bodyLimit;
    return wire({
      category: `${endpoint.name}/${tooLarge ? 'field defect, too large' : 'field defect'}`,
      caller: endpoint.caller,
      method: 'POST',
      path: endpoint.path(endpoint.params),
      headers: JSON_TYPE,
      body,
      expect: tooLarge ? refused([413]) : { statuses: [400], fieldErrors: true, fields: touched },
    });
  });
}

// ---------------------------------------------------------------------------------------------
// Reads: the list's query, and ids in the path
// ---------------------------------------------------------------------------------------------

/**
 * Query values stay below this many characters: a URL beyond Node's header limit (16 KiB) is
 * refused before the API sees it, which the spec checks on its own.
 */
const MAX_QUERY_VALUE = 5_000;

type QueryDefect = { key: string; values: string[] };

/** GET /v1/applications with one to three defects in its query: bad values, unknown keys, repeated keys. */
export function malformedListQuery(): fc.Arbitrary<WireRequest> {
  const keys = Object.keys(LIST_QUERY);
  const short = (arbitrary: fc.Arbitrary<string>) => arbitrary.filter((value) => value.length <= MAX_QUERY_VALUE);
  const valueOf = (key: string) =>
    fc.oneof(fc.constant(LIST_QUERY[key]!.valid), short(LIST_QUERY[key]!.invalid), fc.constant('AWAITING_REPORT'));
  const defect: fc.Arbitrary<QueryDefect> = fc.oneof(
    {
      weight: 5,
      arbitrary: fc
        .constantFrom(...keys)
        .chain((key) => short(LIST_QUERY[key]!.invalid).map((value) => ({ key, values: [value] }))),
    },
    {
      weight: 2,
      arbitrary: fc
        .tuple(unknownKey(keys), fc.string({ maxLength: 12 }))
        .map(([key, value]) => ({ key, values: [value] })),
    },
    {
      weight: 2,
      arbitrary: fc
        .constantFrom(...keys)
        .chain((key) => fc.array(valueOf(key), { minLength: 2, maxLength: 3 }).map((values) => ({ key, values }))),
    },
  );
  const validKeys = keys.filter((key) => key !== 'pageToken');
  return fc
    .record({ defects: fc.array(defect, { minLength: 1, maxLength: 3 }), valid: fc.subarray(validKeys) })
    .map(({ defects, valid }) => {
      const touched = [...new Set(defects.map(({ key }) => key))];
      const pairs: [string, string][] = [
        ...defects.flatMap(({ key, values }) => values.map((value): [string, string] => [key, value])),
        ...valid.filter((key) => !touched.includes(key)).map((key): [string, string] => [key, LIST_QUERY[key]!.valid]),
      ];
      const query = pairs.map(([key, value]) => `${enc(key)}=${enc(value)}`).join('&');
      return wire({
        category: 'list/query',
        caller: 'bankA',
        method: 'GET',
        path: `/v1/applications?${query}`,
        headers: {},
        expect: { statuses: [400], fieldErrors: true, fields: touched },
      });
    });
}

/** Reads of one application with a malformed id: the loan system's and the reviewer's. */
export function readPathDefects(tenant: string, applicationId: string): fc.Arbitrary<WireRequest> {
  return fc.oneof(
    badPathParam.map((id) =>
      wire({
        category: 'get application/bad path parameter',
        caller: 'bankA',
        method: 'GET',
        path: `/v1/applications/${enc(id)}`,
        headers: {},
        expect: { statuses: [400], fieldErrors: true, fields: ['applicationId'] },
      }),
    ),
    fc
      .tuple(fc.option(badPathParam, { nil: undefined }), fc.option(badPathParam, { nil: undefined }))
      .filter(([badTenant, badId]) => badTenant !== undefined || badId !== undefined)
      .map(([badTenant, badId]) =>
        wire({
          category: 'get review task/bad path parameter',
          caller: 'alice',
          method: 'GET',
          path: `/v1/review-tasks/${enc(badTenant ?? tenant)}/${enc(badId ?? applicationId)}`,
          headers: {},
          expect: {
            statuses: [400],
            fieldErrors: true,
            fields: [...(badTenant !== undefined ? ['tenant'] : []), ...(badId !== undefined ? ['applicationId'] : [])],
          },
        }),
      ),
  );
}
