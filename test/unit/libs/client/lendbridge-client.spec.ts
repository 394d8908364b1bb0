import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  createLendbridgeClient,
  creditReportForm,
  idempotencyKey,
  LendbridgeError,
  unwrap,
  type LendbridgeClientOptions,
} from '#client';

/** A fetch that records each request and answers with `answer`. */
function recordingFetch(answer: () => Response): { fetch: (request: Request) => Promise<Response>; seen: Request[] } {
  const seen: Request[] = [];
  const fetch = (request: Request): Promise<Response> => {
    seen.push(request.clone());
    return Promise.resolve(answer());
  };
  return { seen, fetch };
}

const json = (status: number, body: unknown, type = 'application/json') =>
  new Response(JSON.stringify(body), { status, headers: { 'Content-Type': type } });

const client = (options: Partial<LendbridgeClientOptions>, answer: () => Response) => {
  const recorder = recordingFetch(answer);
  return {
    ...recorder,
    api: createLendbridgeClient({ baseUrl: 'http://lendbridge.test/', ...options, fetch: recorder.fetch }),
  };
};

describe('the typed client', () => {
  it('sends the bearer token and fills the path parameters', async () => {
    const { api, seen } = client({ token: 'abc' }, () => json(200, { stage: 'RECEIVED' }));
    const view = await unwrap(
      api.GET('/v1/review-tasks/{tenant}/{applicationId}', {
        params: { path: { tenant: 'bank-a', applicationId: 'A 1/2' } },
      }),
    );
    expect(view).toEqual({ stage: 'RECEIVED' });
    expect(seen[0]?.url).toBe('http://lendbridge.test/v1/review-tasks/bank-a/A%201%2F2');
    expect(seen[0]?.headers.get('authorization')).toBe('Bearer abc');
  });

  it('asks getToken before each call, and a call may act as someone else', async () => {
    let renewals = 0;
    const { api, seen } = client({ getToken: () => `t${++renewals}` }, () => json(200, { items: [] }));
    await api.GET('/v1/applications');
    await api.GET('/v1/applications', { params: { query: { stage: 'IN_REVIEW', pageSize: 5 } } });
    await api.GET('/v1/applications', { headers: { Authorization: 'Bearer reviewer' } });
    expect(seen.map((request) => request.headers.get('authorization'))).toEqual([
      'Bearer t1',
      'Bearer t2',
      'Bearer reviewer',
    ]);
    expect(new URL(seen[1]!.url).search).toBe('?stage=IN_REVIEW&pageSize=5');
  });

  it('refuses token and getToken together', () => {
    expect(() => createLendbridgeClient({ baseUrl: 'http://x', token: 'a', getToken: () => 'b' })).toThrow(
      'give token or getToken, not both',
    );
  });

  it("throws the API's problem document as a LendbridgeError", async () => {
    const problem = {
      type: 'urn:lendbridge:problem:invalid-request',
      title: 'The request is invalid',
      status: 400,
      detail: 'requestedLimit.amount: must be a decimal',
      errors: [{ field: 'requestedLimit.amount', message: 'must be a decimal' }],
    };
    const { api } = client({ token: 't' }, () => json(400, problem, 'application/problem+json'));
    const error = await unwrap(api.GET('/v1/applications')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LendbridgeError);
    expect(error).toMatchObject({ status: 400, type: problem.type, problem });
    expect((error as Error).message).toBe(
      'GET http://lendbridge.test/v1/applications answered 400: requestedLimit.amount: must be a decimal',
    );
  });

  it('makes a problem of an answer that is not one (a proxy page)', async () => {
    const { api } = client({ token: 't' }, () => new Response('<html>Bad gateway</html>', { status: 502 }));
    await expect(unwrap(api.GET('/v1/applications'))).rejects.toMatchObject({
      problem: { type: 'about:blank', status: 502, detail: '<html>Bad gateway</html>' },
    });
  });

  it('sends an idempotency key, and refuses one the API would refuse', async () => {
    const { api, seen } = client({ token: 't' }, () => json(201, {}));
    await api.POST('/v1/review-tasks/{tenant}/{applicationId}/claim', {
      params: { path: { tenant: 'bank-a', applicationId: 'A-1' } },
      headers: idempotencyKey('retry-7'),
    });
    expect(seen[0]?.headers.get('idempotency-key')).toBe('retry-7');
    expect(idempotencyKey()['Idempotency-Key']).toMatch(/^[0-9a-f-]{36}$/);
    expect(() => idempotencyKey('with space')).toThrow(RangeError);
    expect(() => idempotencyKey('')).toThrow(RangeError);
  });

  it('puts the report form in the order the API reads it: scheme and fields before the file', () => {
    const form = creditReportForm({
      report: new Blob(['%PDF-1.7'], { type: 'application/pdf' }),
      decisionFields: { score: 701, scoreBand: 'B', delinquencyFlags: [] },
    });
    expect([...form.keys()]).toEqual(['scheme', 'decisionFields', 'report']);
    expect(form.get('scheme')).toBe('sha256-raw-v1');
    expect(JSON.parse(form.get('decisionFields') as string)).toEqual({
      score: 701,
      scoreBand: 'B',
      delinquencyFlags: [],
    });
  });

  it('refuses a path value of "." or ".." (it would resolve to another operation) and sends nothing', async () => {
    const { api, seen } = client({ token: 'abc' }, () => json(200, {}));
    for (const applicationId of ['..', '.']) {
      await expect(
        api.GET('/v1/applications/{applicationId}', { params: { path: { applicationId } } }),
      ).rejects.toThrow(/path parameter applicationId/);
    }
    expect(seen).toHaveLength(0);
  });

  it('refuses a base URL with credentials, a query or a fragment, or not http(s)', () => {
    for (const baseUrl of [
      'http://u:p@h.test',
      'http://h.test/api?x=1',
      'http://h.test/#x',
      'ftp://h.test',
      'h.test',
    ]) {
      expect(() => createLendbridgeClient({ baseUrl })).toThrow(TypeError);
    }
    expect(() => createLendbridgeClient({ baseUrl: 'https://h.test/lendbridge/' })).not.toThrow();
  });

  it('does not follow a redirect: the body never reaches the place it points to', async () => {
    const elsewhere: string[] = [];
    const listen = (server: Server) =>
      new Promise<number>((resolve) =>
        server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)),
      );
    const other = createServer((request, response) => {
      elsewhere.push(`${request.method} ${request.url}`);
      response.writeHead(201, { 'content-type': 'application/json' }).end('{"stage":"APPROVED"}');
    });
    const otherPort = await listen(other);
    const api = createServer((_request, response) => {
      response.writeHead(307, { location: `http://127.0.0.1:${otherPort}/v1/applications` }).end();
    });
    const apiPort = await listen(api);
    try {
      const lendbridge = createLendbridgeClient({ baseUrl: `http://127.0.0.1:${apiPort}`, token: 'abc' });
      await expect(
        lendbridge.GET('/v1/applications/{applicationId}', { params: { path: { applicationId: 'APP-1' } } }),
      ).rejects.toThrow();
      expect(elsewhere).toEqual([]);
    } finally {
      await Promise.all([api, other].map((server) => new Promise((resolve) => server.close(resolve))));
    }
  });
});
