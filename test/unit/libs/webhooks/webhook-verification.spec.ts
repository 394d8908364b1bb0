import { Webhook } from 'standardwebhooks';
import {
  generateWebhookSecret,
  isWebhookSecret,
  signWebhook,
  verifyWebhook,
  webhookHeaders,
  webhookSecretKey,
  WebhookSecretError,
  WebhookVerificationError,
  type WebhookRefusal,
  type WebhookToVerify,
} from '#webhooks';

// The spec's reference libraries test against this vector (secret, id, timestamp, body, signature).
const VECTOR = {
  secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
  id: 'msg_p5jXN8AQM9LWM0D4loKWxJek',
  timestamp: 1614265330,
  body: '{"test": 2432232314}',
  signature: 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
};
const AT_VECTOR = new Date(VECTOR.timestamp * 1000);

function refusal(attempt: () => unknown): WebhookRefusal | 'accepted' {
  try {
    attempt();
    return 'accepted';
  } catch (error) {
    if (error instanceof WebhookVerificationError) return error.reason;
    throw error;
  }
}

function vectorRequest(overrides: Partial<WebhookToVerify> = {}): WebhookToVerify {
  return {
    headers: {
      'webhook-id': VECTOR.id,
      'webhook-timestamp': String(VECTOR.timestamp),
      'webhook-signature': VECTOR.signature,
    },
    body: VECTOR.body,
    secrets: [VECTOR.secret],
    now: AT_VECTOR,
    ...overrides,
  };
}

describe('signWebhook', () => {
  it("produces the spec's published test vector", () => {
    expect(
      signWebhook({ id: VECTOR.id, timestamp: VECTOR.timestamp, body: VECTOR.body, secrets: [VECTOR.secret] }),
    ).toBe(VECTOR.signature);
  });

  it('signs once per secret, space-separated, in the order given', () => {
    const other = generateWebhookSecret();
    const header = signWebhook({ ...VECTOR, secrets: [other, VECTOR.secret] });
    const [first, second, ...rest] = header.split(' ');
    expect(rest).toEqual([]);
    expect(second).toBe(VECTOR.signature);
    expect(first).toMatch(/^v1,[A-Za-z0-9+/]{43}=$/);
  });

  it('signs bytes and the same text alike', () => {
    expect(signWebhook({ ...VECTOR, body: Buffer.from(VECTOR.body), secrets: [VECTOR.secret] })).toBe(VECTOR.signature);
  });

  it.each([
    ['an id with a dot', { id: 'evt.1' }],
    ['an id with a space', { id: 'evt 1' }],
    ['an empty id', { id: '' }],
    ['a fractional timestamp', { timestamp: 1.5 }],
    ['a negative timestamp', { timestamp: -1 }],
    ['no secret', { secrets: [] }],
  ])('refuses %s', (_, change) => {
    expect(() => signWebhook({ ...VECTOR, secrets: [VECTOR.secret], ...change })).toThrow(TypeError);
  });

  it('gives the three headers', () => {
    expect(webhookHeaders({ ...VECTOR, secrets: [VECTOR.secret] })).toEqual({
      'webhook-id': VECTOR.id,
      'webhook-timestamp': String(VECTOR.timestamp),
      'webhook-signature': VECTOR.signature,
    });
  });
});

describe('verifyWebhook', () => {
  it("accepts the spec's test vector and returns its id and timestamp", () => {
    expect(verifyWebhook(vectorRequest())).toEqual({ id: VECTOR.id, timestamp: VECTOR.timestamp });
  });

  it('reads fetch Headers and header names in any case', () => {
    const headers = new Headers({
      'Webhook-Id': VECTOR.id,
      'WEBHOOK-TIMESTAMP': String(VECTOR.timestamp),
      'webhook-signature': VECTOR.signature,
    });
    expect(verifyWebhook(vectorRequest({ headers })).id).toBe(VECTOR.id);
    const record = {
      'Webhook-Id': VECTOR.id,
      'Webhook-Timestamp': String(VECTOR.timestamp),
      'Webhook-Signature': VECTOR.signature,
    };
    expect(verifyWebhook(vectorRequest({ headers: record })).id).toBe(VECTOR.id);
  });

  it('accepts when any one signature matches any one secret (rotation), ignoring other schemes', () => {
    const old = generateWebhookSecret();
    const signature = `v1a,${'A'.repeat(86)}== v1,${'B'.repeat(43)}= ${VECTOR.signature}`;
    expect(
      refusal(() =>
        verifyWebhook(
          vectorRequest({
            secrets: [old, VECTOR.secret],
            headers: { ...vectorRequest().headers, 'webhook-signature': signature },
          }),
        ),
      ),
    ).toBe('accepted');
  });

  it.each<[string, Record<string, string | string[]>, WebhookRefusal]>([
    ['no webhook-id', { 'webhook-id': '' }, 'missing-header'],
    ['no webhook-signature', { 'webhook-signature': '' }, 'missing-header'],
    ['an id with a dot', { 'webhook-id': 'msg.1' }, 'malformed-header'],
    ['a timestamp that is not digits', { 'webhook-timestamp': '1614265330abc' }, 'malformed-header'],
    ['a timestamp with a leading zero', { 'webhook-timestamp': '01614265330' }, 'malformed-header'],
    [
      'a signature entry without a version',
      { 'webhook-signature': 'g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=' },
      'malformed-header',
    ],
    ['a truncated v1 signature', { 'webhook-signature': VECTOR.signature.slice(0, 20) }, 'malformed-header'],
    ['a repeated header', { 'webhook-id': [VECTOR.id, VECTOR.id] }, 'malformed-header'],
    ['only signatures of another scheme', { 'webhook-signature': `v1a,${'A'.repeat(86)}==` }, 'no-matching-signature'],
    ['a signature under another secret', { 'webhook-signature': `v1,${'B'.repeat(43)}=` }, 'no-matching-signature'],
  ])('refuses %s', (_, change, reason) => {
    const headers: Record<string, string | string[]> = {
      ...(vectorRequest().headers as Record<string, string>),
      ...change,
    };
    for (const [name, value] of Object.entries(headers)) if (value === '') delete headers[name];
    expect(refusal(() => verifyWebhook(vectorRequest({ headers })))).toBe(reason);
  });

  it('refuses a timestamp beyond the tolerance either way, and accepts one at its edge', () => {
    const at = (seconds: number): Date => new Date((VECTOR.timestamp + seconds) * 1000);
    expect(refusal(() => verifyWebhook(vectorRequest({ now: at(300) })))).toBe('accepted');
    expect(refusal(() => verifyWebhook(vectorRequest({ now: at(-300) })))).toBe('accepted');
    expect(refusal(() => verifyWebhook(vectorRequest({ now: at(301) })))).toBe('timestamp-too-old');
    expect(refusal(() => verifyWebhook(vectorRequest({ now: at(-301) })))).toBe('timestamp-too-new');
    expect(refusal(() => verifyWebhook(vectorRequest({ now: at(60), toleranceSeconds: 30 })))).toBe(
      'timestamp-too-old',
    );
  });

  it('refuses to judge with an invalid clock rather than skip the window', () => {
    expect(() => verifyWebhook(vectorRequest({ now: new Date('garbage') }))).toThrow(RangeError);
  });

  it('refuses the body with one byte changed', () => {
    expect(refusal(() => verifyWebhook(vectorRequest({ body: VECTOR.body.replace('2432', '2433') })))).toBe(
      'no-matching-signature',
    );
  });

  it('refuses secrets that are not whsec_ secrets, without quoting them', () => {
    const raw = 'MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
    for (const secret of [
      raw,
      'whsec_not base64!',
      `whsec_${Buffer.alloc(16).toString('base64')}`,
      `whsec_${Buffer.alloc(65).toString('base64')}`,
    ]) {
      expect(() => verifyWebhook(vectorRequest({ secrets: [secret] }))).toThrow(WebhookSecretError);
      try {
        verifyWebhook(vectorRequest({ secrets: [secret] }));
      } catch (error) {
        expect((error as Error).message).not.toContain(secret.slice(6));
      }
    }
    expect(() => verifyWebhook(vectorRequest({ secrets: [] }))).toThrow(WebhookSecretError);
  });
});

describe('webhook secrets', () => {
  it('generates whsec_ secrets of 32 random bytes by default', () => {
    const secret = generateWebhookSecret();
    expect(isWebhookSecret(secret)).toBe(true);
    expect(webhookSecretKey(secret)).toHaveLength(32);
    expect(generateWebhookSecret()).not.toBe(secret);
    expect(() => generateWebhookSecret(16)).toThrow(RangeError);
  });
});

describe('against the standardwebhooks reference library', () => {
  const secret = generateWebhookSecret();
  const id = 'loan/bank-a/APP-1/3-1764680000000';
  const body = JSON.stringify({ type: 'application.decided', data: { outcome: 'APPROVED', limit: '100000.00' } });

  it('verifies our signature with theirs', () => {
    const timestamp = Math.floor(Date.now() / 1000);
    const headers = webhookHeaders({ id, timestamp, body, secrets: [generateWebhookSecret(), secret] });
    expect(new Webhook(secret).verify(body, headers)).toEqual(JSON.parse(body));
  });

  it('verifies their signature with ours', () => {
    const now = new Date();
    const headers = {
      'webhook-id': id,
      'webhook-timestamp': String(Math.floor(now.getTime() / 1000)),
      'webhook-signature': new Webhook(secret).sign(id, now, body),
    };
    expect(verifyWebhook({ headers, body, secrets: [secret], now }).id).toBe(id);
  });
});
