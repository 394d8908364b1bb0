import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WebhookSender } from '#activities';
import type { WebhookEvent } from '#domain';
import { startWebhookInbox, type WebhookInbox } from '#stack/webhook-receiver';
import { testConfig } from '#test-support/config';
import { generateWebhookSecret, webhookHeaders } from '#webhooks';

function event(
  tenant: string,
  applicationId: string,
  type: WebhookEvent['type'] = 'application.in-review',
): WebhookEvent {
  const workflowId = `loan/${tenant}/${applicationId}`;
  return {
    eventId: `${workflowId}/1-1764680000000`,
    sequence: 1,
    type,
    workflowId,
    tenant,
    applicationId,
    occurredAt: '2026-11-21T00:00:00.000Z',
    data: {},
  };
}

// The receiver `npm run dev` starts: the worker's real sender posts to it over HTTP.
describe("the local stack's webhook receiver", () => {
  const dir = mkdtempSync(join(tmpdir(), 'lendbridge-inbox-'));
  const lines: string[] = [];
  let inbox: WebhookInbox;
  let sender: WebhookSender;

  beforeAll(async () => {
    inbox = await startWebhookInbox({
      secrets: { 'bank-a': [generateWebhookSecret()], 'bank-b': [generateWebhookSecret()] },
      log: (line) => lines.push(line),
    });
    const file = join(dir, 'endpoints.json');
    writeFileSync(file, JSON.stringify(inbox.endpoints));
    sender = new WebhookSender(
      testConfig({
        LEDGER_REGISTRY_ADDRESS: `0x${'1'.repeat(40)}`,
        LEDGER_EVIDENCE_ADDRESS: `0x${'2'.repeat(40)}`,
        WEBHOOK_ENDPOINTS_FILE: file,
      }),
    );
  });

  afterAll(async () => {
    await inbox.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('verifies each tenant’s events, logs one line each, counts retries, and lists them on its page', async () => {
    await sender.deliver(event('bank-a', 'APP-1'));
    await sender.deliver(event('bank-b', 'APP-2'));
    inbox.mode = 'fail';
    await expect(sender.deliver(event('bank-a', 'APP-3', 'application.decided'))).rejects.toThrow('answered 500');
    inbox.mode = 'accept';
    await sender.deliver(event('bank-a', 'APP-3', 'application.decided'));

    expect(lines).toEqual([
      'webhook application.in-review bank-a/APP-1 id=loan/bank-a/APP-1/1-1764680000000 signature ok attempt 1 -> 204',
      'webhook application.in-review bank-b/APP-2 id=loan/bank-b/APP-2/1-1764680000000 signature ok attempt 1 -> 204',
      'webhook application.decided bank-a/APP-3 id=loan/bank-a/APP-3/1-1764680000000 signature ok attempt 1 -> 500',
      'webhook application.decided bank-a/APP-3 id=loan/bank-a/APP-3/1-1764680000000 signature ok attempt 2 (retry 1) -> 204',
    ]);
    expect(inbox.processed.map((e) => e.applicationId)).toEqual(['APP-1', 'APP-2', 'APP-3']);
    await expect(inbox.next('loan/bank-a/APP-3', 'application.decided', 1_000)).resolves.toMatchObject({
      tenant: 'bank-a',
    });

    const page = await fetch(inbox.url);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await page.text();
    expect(html).toContain('loan/bank-b/APP-2/1-1764680000000');
    expect(html).toContain('2 (retry)');
    expect(html).not.toMatch(/<(script|link)\b|src=|https?:\/\/(?!127\.0\.0\.1)/); // nothing from elsewhere
  });

  it("refuses an event signed with another tenant's secret, or sent to another tenant's endpoint", async () => {
    const before = inbox.badSignatures;
    const body = JSON.stringify(event('bank-b', 'APP-4'));
    const headers = (secrets: string[]) => ({
      'content-type': 'application/json',
      ...webhookHeaders({ id: 'evt-4', timestamp: Math.floor(Date.now() / 1000), body, secrets }),
    });
    // bank-b's event, signed with bank-a's secret, at bank-b's endpoint: the signature fails.
    const wrongKey = await fetch(inbox.endpoints['bank-b']!.url, {
      method: 'POST',
      headers: headers(inbox.endpoints['bank-a']!.secrets),
      body,
    });
    expect(wrongKey.status).toBe(401);
    // bank-b's event, signed with bank-a's secret, at bank-a's endpoint: authentic, but misrouted.
    const misrouted = await fetch(inbox.endpoints['bank-a']!.url, {
      method: 'POST',
      headers: headers(inbox.endpoints['bank-a']!.secrets),
      body,
    });
    expect(misrouted.status).toBe(401);
    expect(inbox.badSignatures).toBe(before + 2);
    // What an unverified body says is not shown: it may not be lendbridge's.
    expect(lines.at(-2)).toBe('webhook ? bank-b/? id=evt-4 signature FAILED (no-matching-signature) attempt 1 -> 401');
    expect(lines.at(-1)).toMatch(/signature FAILED \(event of tenant bank-b\)/);
  });

  it('answers a malformed path 404 and an oversized body 413, and keeps serving', async () => {
    // Any web page the developer visits can post to a loopback port.
    const origin = new URL(inbox.url).origin;
    expect((await fetch(`${origin}/webhooks/%E0%A4%A`, { method: 'POST', body: '{}' })).status).toBe(404);
    const huge = await fetch(inbox.endpoints['bank-a']!.url, {
      method: 'POST',
      body: 'x'.repeat(2 * 1024 * 1024),
    }).then(
      (response) => response.status,
      () => 413, // the receiver may close the connection before the whole body is sent
    );
    expect(huge).toBe(413);
    expect((await fetch(inbox.url)).status).toBe(200);
  });
});
