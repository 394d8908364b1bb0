import { randomBytes } from 'node:crypto';
import fs, { readFileSync } from 'node:fs';
import { Agent, createServer, request as httpRequest, type IncomingMessage, type Server } from 'node:http';
import { createRequire } from 'node:module';
import { type AddressInfo, connect } from 'node:net';
import { dirname, join } from 'node:path';
import { HttpException } from '@nestjs/common';
import request from 'supertest';
import { readReportUpload } from '#api/applications/report-upload';
import { ProblemException } from '#api/problem/problem';
import { hashJsonReportBytes, hashReportBytes } from '#hashing';
import { REPO_ROOT } from '#stack/contracts';

const fixture = (name: string): Buffer => readFileSync(join(REPO_ROOT, 'test', 'fixtures', 'reports', name));
const samplePdf = fixture('sample-report.pdf');
const sampleJson = fixture('sample-report.json');

const MiB = 1024 * 1024;
const BOUNDARY = 'lendbridge-test-7f3a9c';
const MULTIPART = `multipart/form-data; boundary=${BOUNDARY}`;
const RAW = 'sha256-raw-v1';
const JCS = 'sha256-jcs-v1';

// ---------------------------------------------------------------------------------------------------
// The server under test: a bare node:http server whose handler is readReportUpload and nothing else,
// answering what it resolved, or the HttpException's status and message. Limits come from the query.

interface Outcome {
  status: number;
  body: Record<string, unknown>;
  /** The client's port, so a test can tell whether two requests shared one connection. */
  remotePort: number | undefined;
}

const outcomes: Outcome[] = [];
let server: Server;
let port: number;

async function handle(req: IncomingMessage): Promise<Omit<Outcome, 'remotePort'>> {
  const query = new URL(req.url ?? '/', 'http://127.0.0.1').searchParams;
  const maxField = query.get('maxField');
  try {
    const upload = await readReportUpload(req, {
      maxReportBytes: Number(query.get('max') ?? MiB),
      ...(maxField === null ? {} : { maxFieldBytes: Number(maxField) }),
    });
    return { status: 200, body: { ...upload } };
  } catch (error) {
    if (error instanceof ProblemException)
      return { status: error.getStatus(), body: { message: error.message, errors: error.errors } };
    if (error instanceof HttpException) return { status: error.getStatus(), body: { message: error.message } };
    return { status: 500, body: { message: `not an HttpException: ${String(error)}` } };
  }
}

beforeAll(async () => {
  server = createServer((req, res) => {
    void handle(req).then((outcome) => {
      outcomes.push({ ...outcome, remotePort: req.socket.remotePort });
      if (res.destroyed) return;
      res.writeHead(outcome.status, { 'content-type': 'application/json' }).end(JSON.stringify(outcome.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

// ---------------------------------------------------------------------------------------------------
// Hand-built bodies, for what supertest will not send: parts out of order, odd headers, broken framing.

interface Part {
  name: string;
  body: string | Uint8Array;
  /** Set for a file part. */
  filename?: string;
  headers?: string[];
}

const field = (name: string, value: string): Part => ({ name, body: value });
const file = (name: string, body: string | Uint8Array, headers: string[] = []): Part => ({
  name,
  body,
  filename: 'report.bin',
  headers,
});

function multipart(parts: Part[], boundary = BOUNDARY): Buffer {
  const pieces: Buffer[] = [];
  for (const part of parts) {
    const disposition =
      `Content-Disposition: form-data; name="${part.name}"` +
      (part.filename === undefined ? '' : `; filename="${part.filename}"`);
    const headers = [
      disposition,
      ...(part.filename === undefined ? [] : ['Content-Type: application/octet-stream']),
      ...(part.headers ?? []),
    ];
    pieces.push(Buffer.from(`--${boundary}\r\n${headers.join('\r\n')}\r\n\r\n`));
    pieces.push(Buffer.from(part.body));
    pieces.push(Buffer.from('\r\n'));
  }
  pieces.push(Buffer.from(`--${boundary}--\r\n`));
  return Buffer.concat(pieces);
}

interface Reply {
  status: number;
  body: Record<string, unknown>;
}

interface PostOptions {
  query?: string;
  /** null sends no Content-Type at all. */
  contentType?: string | null;
  /** Send with chunked transfer encoding (no Content-Length), in pieces of 1..maxPiece bytes. */
  maxPiece?: number;
  agent?: Agent;
}

// A seeded generator, so an uneven split that breaks something can be replayed.
function pieceSizes(seed: number, max: number): () => number {
  let state = seed;
  return () => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    return 1 + (state % max);
  };
}

function post(body: Buffer, options: PostOptions = {}): Promise<Reply> {
  const headers: Record<string, string> = {};
  const contentType = options.contentType === undefined ? MULTIPART : options.contentType;
  if (contentType !== null) headers['content-type'] = contentType;
  if (options.maxPiece === undefined) headers['content-length'] = String(body.length);
  return new Promise<Reply>((resolve, reject) => {
    const req = httpRequest(
      { host: '127.0.0.1', port, method: 'POST', path: `/upload${options.query ?? ''}`, headers, agent: options.agent },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) }),
        );
      },
    );
    req.on('error', reject);
    if (options.maxPiece === undefined) {
      req.end(body);
      return;
    }
    const nextSize = pieceSizes(7, options.maxPiece);
    for (let offset = 0; offset < body.length;) {
      const size = nextSize();
      req.write(body.subarray(offset, offset + size));
      offset += size;
    }
    req.end();
  });
}

async function waitFor<T>(probe: () => T | undefined, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

function jsonHashError(bytes: Uint8Array): string {
  try {
    hashJsonReportBytes(bytes);
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('expected the hashing module to refuse this report');
}

// The same JSON with every object's keys in reverse order and different whitespace.
function reordered(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(reordered);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value)
      .reverse()
      .map(([key, member]) => [key, reordered(member)]),
  );
}

// ---------------------------------------------------------------------------------------------------

describe('readReportUpload: hashing', () => {
  it('hashes a sha256-raw-v1 report exactly as libs/hashing hashes its bytes, and returns the other fields', async () => {
    const res = await request(server)
      .post('/upload')
      .field('scheme', RAW)
      .field('claimedIssuer', '0x1111111111111111111111111111111111111111')
      .attach('report', samplePdf, 'sample-report.pdf')
      .field('decisionFields', '{"score":712,"band":"good"}');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      reportHash: hashReportBytes(samplePdf).hash,
      scheme: RAW,
      sizeBytes: samplePdf.length,
      fields: {
        claimedIssuer: '0x1111111111111111111111111111111111111111',
        decisionFields: '{"score":712,"band":"good"}',
      },
    });
  });

  it('hashes a sha256-jcs-v1 report by content: reordered keys and other whitespace give the same hash', async () => {
    const variant = Buffer.from(`${JSON.stringify(reordered(JSON.parse(sampleJson.toString('utf8'))), null, 3)}\n`);
    expect(variant.equals(sampleJson)).toBe(false);
    const expected = hashJsonReportBytes(sampleJson).hash;
    for (const report of [sampleJson, variant]) {
      const res = await request(server)
        .post('/upload')
        .field('scheme', JCS)
        .attach('report', report, 'sample-report.json');
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ reportHash: expected, scheme: JCS, sizeBytes: report.length, fields: {} });
    }
    // Canonical JSON and raw bytes are different identities for the same file.
    expect(expected).not.toBe(hashReportBytes(sampleJson).hash);
  });

  it('takes the scheme after the report file too, under either scheme (form parts in any order)', async () => {
    for (const [scheme, report, hash] of [
      [RAW, samplePdf, hashReportBytes(samplePdf).hash],
      [JCS, sampleJson, hashJsonReportBytes(sampleJson).hash],
    ] as const) {
      const res = await request(server).post('/upload').attach('report', report, 'report').field('scheme', scheme);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ reportHash: hash, scheme, sizeBytes: report.length });
    }
  });

  it('streams a 5 MB raw report under a 6 MB limit', async () => {
    const big = randomBytes(5 * MiB);
    const res = await request(server)
      .post(`/upload?max=${6 * MiB}`)
      .field('scheme', RAW)
      .attach('report', big, 'big.pdf');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ reportHash: hashReportBytes(big).hash, sizeBytes: big.length });
  });

  it('gives the same hash when the body arrives in uneven pieces split anywhere, boundaries included', async () => {
    const report = randomBytes(200_000);
    const reply = await post(multipart([field('scheme', RAW), file('report', report)]), { maxPiece: 777 });
    expect(reply.status).toBe(200);
    expect(reply.body.reportHash).toBe(hashReportBytes(report).hash);
  });

  it('accepts a report of exactly the maximum size and a field of exactly the maximum length', async () => {
    const report = randomBytes(4096);
    const reply = await post(
      multipart([field('scheme', RAW), field('note', 'n'.repeat(100)), file('report', report)]),
      { query: '?max=4096&maxField=100' },
    );
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({ reportHash: hashReportBytes(report).hash, sizeBytes: 4096 });
  });
});

describe('readReportUpload: size limits', () => {
  it('answers 413 for a report one byte over the maximum', async () => {
    const reply = await post(multipart([field('scheme', RAW), file('report', randomBytes(4097))]), {
      query: '?max=4096',
    });
    expect(reply).toEqual({ status: 413, body: { message: 'the report is larger than 4096 bytes' } });
  });

  it('answers 413 for a JSON report over the maximum too, before parsing it', async () => {
    const reply = await post(multipart([field('scheme', JCS), file('report', sampleJson)]), { query: '?max=100' });
    expect(reply).toEqual({ status: 413, body: { message: 'the report is larger than 100 bytes' } });
  });

  it('answers 413 at once for a declared length far over the limit, and keeps serving', async () => {
    const res = await request(server)
      .post(`/upload?max=${MiB}`)
      .field('scheme', RAW)
      .attach('report', randomBytes(8 * MiB), 'huge.pdf');
    expect(res.status).toBe(413);
    expect(res.body.message).toMatch(/^the upload is larger than allowed/);
    const next = await request(server).post('/upload').field('scheme', RAW).attach('report', samplePdf, 'a.pdf');
    expect(next.status).toBe(200);
  });

  it('refuses a streamed over-limit report mid-body, drains it, and keeps the connection usable', async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      // Chunked: no Content-Length, so only counting the file's bytes can catch it.
      const over = await post(multipart([field('scheme', RAW), file('report', randomBytes(3 * MiB))]), {
        query: `?max=${MiB}`,
        maxPiece: 64 * 1024,
        agent,
      });
      expect(over).toEqual({ status: 413, body: { message: `the report is larger than ${MiB} bytes` } });
      const before = outcomes.length;
      const next = await post(multipart([field('scheme', RAW), file('report', samplePdf)]), { agent });
      expect(next.status).toBe(200);
      expect(outcomes[before]?.remotePort).toBe(outcomes[before - 1]?.remotePort);
    } finally {
      agent.destroy();
    }
  });

  it('answers a client that stalls after a refusal, then closes its connection instead of waiting forever', async () => {
    const socket = connect(port, '127.0.0.1');
    const received: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => received.push(chunk));
    const closed = new Promise<number>((resolve) => socket.on('close', () => resolve(Date.now())));
    socket.write(
      `POST /upload?max=1024 HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: ${MULTIPART}\r\n` +
        `Content-Length: ${100 * MiB}\r\n\r\n`,
    );
    socket.write(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="scheme"\r\n\r\n${RAW}\r\n`);
    const refusedAt = await waitFor(() => (Buffer.concat(received).length > 0 ? Date.now() : undefined));
    expect(Buffer.concat(received).toString('latin1')).toMatch(/^HTTP\/1\.1 413 /);
    const closedAt = await closed;
    // The server gives a stalled client a grace period to finish sending, and no more.
    expect(closedAt - refusedAt).toBeGreaterThan(3_000);
    expect(closedAt - refusedAt).toBeLessThan(15_000);
  });

  it('answers 413 for a text field over the maximum length', async () => {
    const reply = await post(multipart([field('scheme', RAW), field('note', 'n'.repeat(101)), file('report', 'x')]), {
      query: '?maxField=100',
    });
    expect(reply).toEqual({ status: 413, body: { message: 'field "note" is longer than 100 bytes' } });
  });

  it('answers 400 for more than ten text fields', async () => {
    const many = Array.from({ length: 10 }, (_, i) => field(`f${i}`, 'v'));
    const reply = await post(multipart([field('scheme', RAW), ...many, file('report', 'x')]));
    expect(reply).toEqual({
      status: 400,
      body: { message: 'too many form fields: at most 10 text fields are accepted' },
    });
  });
});

describe('readReportUpload: refusals', () => {
  it('answers 400 naming the field and the allowed schemes for an unknown one, as the JSON body is answered', async () => {
    const reply = await post(multipart([field('scheme', 'md5'), file('report', samplePdf)]));
    const message = 'must be one of sha256-raw-v1, sha256-jcs-v1';
    expect(reply).toEqual({
      status: 400,
      body: { message: `scheme: ${message}`, errors: [{ field: 'scheme', message }] },
    });
  });

  it.each([
    ['application/json', 'application/json'],
    ['no content type', null],
    ['url-encoded form', 'application/x-www-form-urlencoded'],
  ])('answers 415 for %s', async (_label, contentType) => {
    const reply = await post(Buffer.from('{"scheme":"sha256-raw-v1"}'), { contentType });
    expect(reply).toEqual({
      status: 415,
      body: { message: 'a credit report upload must be sent as multipart/form-data' },
    });
  });

  it('answers 400 for a multipart content type without a boundary', async () => {
    const reply = await post(multipart([field('scheme', RAW), file('report', 'x')]), {
      contentType: 'multipart/form-data',
    });
    expect(reply).toEqual({
      status: 400,
      body: { message: 'the multipart/form-data content type needs a boundary parameter' },
    });
  });

  it('answers 400 when the body does not use the declared boundary', async () => {
    const reply = await post(multipart([field('scheme', RAW), file('report', 'x')], 'some-other-boundary'));
    expect(reply).toEqual({
      status: 400,
      body: { message: 'the multipart/form-data body ended before its closing boundary' },
    });
  });

  it.each([
    ['in the middle of the report', 40],
    ['in the middle of a part header', 130],
    ['right after the last byte of the report, before the closing boundary', -(`--${BOUNDARY}--\r\n`.length + 2)],
  ])('answers 400 for a body cut off %s', async (_label, cut) => {
    const whole = multipart([field('scheme', RAW), file('report', 'z'.repeat(200))]);
    const truncated = whole.subarray(0, cut > 0 ? whole.indexOf('z') + cut : whole.length + cut);
    const reply = await post(truncated);
    expect(reply.status).toBe(400);
    expect(reply.body.message).toMatch(/^the multipart\/form-data body /);
  });

  it('answers 400 for a part header that is not a header', async () => {
    const body = Buffer.from(`--${BOUNDARY}\r\nthis is not a header\r\n\r\nx\r\n--${BOUNDARY}--\r\n`);
    const reply = await post(body);
    expect(reply).toEqual({
      status: 400,
      body: { message: 'a part header of the multipart/form-data body is malformed' },
    });
  });

  it.each([
    ['repeated keys', '{"score": 700, "band": "good", "score": 710}'],
    ['invalid JSON', '{"score": 700,'],
    ['invalid UTF-8', Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0x22, 0x7d])],
    ['an integer no double holds', '{"accountNumber": 12345678901234567890}'],
    ['a lone surrogate', '{"name": "\\ud800"}'],
  ])('answers 422 with the hashing module’s reason for a JSON report with %s', async (_label, report) => {
    const bytes = Buffer.from(report);
    const reply = await post(multipart([field('scheme', JCS), file('report', bytes)]));
    expect(reply).toEqual({ status: 422, body: { message: jsonHashError(bytes) } });
  });

  it('still hashes a report with repeated keys under the raw scheme, which makes no claim about JSON', async () => {
    const bytes = Buffer.from('{"score": 700, "score": 710}');
    const reply = await post(multipart([field('scheme', RAW), file('report', bytes)]));
    expect(reply.body.reportHash).toBe(hashReportBytes(bytes).hash);
  });

  it.each(['__proto__', 'constructor', 'prototype'])('answers 400 for a field named %s', async (name) => {
    const reply = await post(multipart([field('scheme', RAW), field(name, '{"polluted":true}'), file('report', 'x')]));
    expect(reply).toEqual({ status: 400, body: { message: `the field name "${name}" is not allowed` } });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it.each(['1st', 'a b', 'x'.repeat(65), 'naïve', '$where'])('answers 400 for the field name %j', async (name) => {
    const reply = await post(multipart([field('scheme', RAW), field(name, 'v'), file('report', 'x')]));
    expect(reply.status).toBe(400);
    expect(reply.body.message).toMatch(/^a field name must start with a letter/);
  });

  it('answers 400 for a part without a name', async () => {
    const body = Buffer.from(
      `--${BOUNDARY}\r\nContent-Disposition: form-data\r\n\r\nv\r\n` +
        multipart([field('scheme', RAW), file('report', 'x')]).toString('latin1'),
      'latin1',
    );
    const reply = await post(body);
    expect(reply).toEqual({ status: 400, body: { message: 'every form part needs a name' } });
  });

  it('answers 400 for two report files', async () => {
    const res = await request(server)
      .post('/upload')
      .field('scheme', RAW)
      .attach('report', samplePdf, 'a.pdf')
      .attach('report', samplePdf, 'b.pdf');
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ message: 'only one report file is accepted per upload' });
  });

  it('answers 400 for a file part with another name', async () => {
    const reply = await post(multipart([field('scheme', RAW), file('report', 'x'), file('attachment', 'y')]));
    expect(reply).toEqual({
      status: 400,
      body: { message: 'unexpected file part "attachment": only one file, named "report", is accepted' },
    });
  });

  it('answers 400 for a report sent as a text field', async () => {
    const reply = await post(multipart([field('scheme', RAW), field('report', 'x')]));
    expect(reply).toEqual({
      status: 400,
      body: { message: 'send the report as a file part (with a filename), not as a text field' },
    });
  });

  it('answers 400 for an upload that names no scheme, before or after the report', async () => {
    const reply = await post(multipart([file('report', samplePdf), field('claimedIssuer', '0x1')]));
    expect(reply).toEqual({
      status: 400,
      body: { message: 'the upload names no scheme: send the scheme field (sha256-raw-v1 or sha256-jcs-v1)' },
    });
  });

  it('answers 400 for an upload without a report', async () => {
    const reply = await post(multipart([field('scheme', RAW), field('claimedIssuer', '0x1')]));
    expect(reply).toEqual({
      status: 400,
      body: { message: 'the upload has no report: send it as a file part named "report"' },
    });
  });

  it('answers 400 for an empty report', async () => {
    const reply = await post(multipart([field('scheme', RAW), file('report', '')]));
    expect(reply).toEqual({ status: 400, body: { message: 'the report file is empty' } });
  });

  it.each(['scheme', 'claimedIssuer'])('answers 400 for the field %s sent twice', async (name) => {
    const reply = await post(
      multipart([field(name, RAW), field('scheme', RAW), field(name, RAW), file('report', 'x')]),
    );
    expect(reply).toEqual({ status: 400, body: { message: `field "${name}" was sent more than once` } });
  });

  it('answers 400 for a report part in base64 transfer encoding, whose bytes are not the file', async () => {
    const reply = await post(
      multipart([
        field('scheme', RAW),
        file('report', samplePdf.toString('base64'), ['Content-Transfer-Encoding: base64']),
      ]),
    );
    expect(reply.status).toBe(400);
    expect(reply.body.message).toMatch(/Content-Transfer-Encoding/);
  });

  it('settles with 400 when the client hangs up mid-upload', async () => {
    const before = outcomes.length;
    const socket = connect(port, '127.0.0.1');
    socket.on('error', () => undefined);
    const body = multipart([field('scheme', RAW), file('report', randomBytes(64 * 1024))]);
    socket.write(
      `POST /upload HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: ${MULTIPART}\r\nContent-Length: ${body.length}\r\n\r\n`,
    );
    socket.write(body.subarray(0, 1000), () => socket.destroy());
    const outcome = await waitFor(() => outcomes[before]);
    expect(outcome).toMatchObject({
      status: 400,
      body: { message: 'the upload was interrupted before the body was complete' },
    });
  });
});

describe('readReportUpload: the report never touches the disk', () => {
  // Every function of node:fs that can create or write a file, called through the module object.
  const WRITERS = [
    'appendFile',
    'appendFileSync',
    'copyFile',
    'copyFileSync',
    'createWriteStream',
    'open',
    'openSync',
    'write',
    'writeSync',
    'writeFile',
    'writeFileSync',
    'writev',
    'writevSync',
    'mkdtemp',
    'mkdtempSync',
  ] as const;
  const PROMISE_WRITERS = ['appendFile', 'copyFile', 'open', 'writeFile', 'mkdtemp'] as const;

  it('calls no file-writing function of node:fs while reading raw and JSON uploads', async () => {
    const calls: string[] = [];
    const restore: (() => void)[] = [];
    const watch = (module: object, name: string, label: string): void => {
      const target = module as Record<string, unknown>;
      const original = target[name] as (...args: unknown[]) => unknown;
      target[name] = function (this: unknown, ...args: unknown[]) {
        calls.push(label);
        return original.apply(this, args);
      };
      restore.push(() => {
        target[name] = original;
      });
    };
    for (const name of WRITERS) watch(fs, name, `fs.${name}`);
    for (const name of PROMISE_WRITERS) {
      watch(fs.promises, name, `fs.promises.${name}`);
    }
    try {
      const raw = await request(server).post('/upload').field('scheme', RAW).attach('report', samplePdf, 'a.pdf');
      const jcs = await request(server).post('/upload').field('scheme', JCS).attach('report', sampleJson, 'a.json');
      const tooBig = await post(multipart([field('scheme', RAW), file('report', randomBytes(5000))]), {
        query: '?max=4096',
      });
      expect([raw.status, jcs.status, tooBig.status]).toEqual([200, 200, 413]);
    } finally {
      for (const undo of restore) undo();
    }
    expect(calls).toEqual([]);
  });

  it('imports node:fs nowhere on the upload path: this module, libs/hashing, busboy and streamsearch', () => {
    // The runtime watch above sees calls through the fs object only; a module that imported single
    // functions would slip past it, so the sources on the path are checked for any fs import too.
    const require = createRequire(import.meta.url);
    const busboyDir = dirname(require.resolve('busboy'));
    const streamsearchFile = createRequire(require.resolve('busboy')).resolve('streamsearch');
    const sources = [
      join(REPO_ROOT, 'libs', 'api', 'src', 'applications', 'report-upload.ts'),
      ...['index.ts', 'report-hash.ts', 'report-json.ts', 'canonical-json.ts'].map((name) =>
        join(REPO_ROOT, 'libs', 'hashing', 'src', name),
      ),
      join(busboyDir, 'index.js'),
      join(busboyDir, 'utils.js'),
      join(busboyDir, 'types', 'multipart.js'),
      streamsearchFile,
    ];
    const importsFs = /(?:require\(|from\s+|import\()\s*['"](?:node:)?fs(?:\/promises)?['"]/;
    for (const source of sources) {
      expect({ source: String(source), importsFs: importsFs.test(readFileSync(source, 'utf8')) }).toEqual({
        source: String(source),
        importsFs: false,
      });
    }
  });
});
