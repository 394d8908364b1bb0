import { createHmac, timingSafeEqual } from 'node:crypto';
import { ID_PATTERN } from '../../../../libs/domain/src/index.js';
import { invalidRequest } from '../problem/problem.js';
import { END_OF_TIME, type DuePosition } from './inbox-window.js';

/**
 * A page's end: where the next page starts, and how wide (in due time) this page's window was. No
 * `due`: the page ended among the tasks without a due time, after `workflowId`.
 */
export interface InboxCursor extends Omit<DuePosition, 'due'> {
  due?: number;
  /** Milliseconds: the next page's first probe is `due + span`. */
  span: number;
}

const ID = ID_PATTERN.source.slice(1, -1);
const PAYLOAD = new RegExp(`^(-|0|[1-9]\\d{0,14})\\|(0|[1-9]\\d{0,3})\\|([1-9]\\d{0,14})\\|((?:loan/${ID}/${ID})?)$`);
const MAX_TIES = 9_999;

/** What the query's `after` must look like before it is opened: body (171 bytes at most) and MAC, base64url. */
export const CURSOR_SHAPE = /^[A-Za-z0-9_-]{8,256}\.[A-Za-z0-9_-]{22}$/;

const refused = () =>
  invalidRequest([{ field: 'after', message: 'after must be a nextCursor this API returned, unchanged' }]);

/**
 * Inbox cursors (`nextCursor`, sent back as `after`), sealed with an HMAC like the list's page
 * tokens, so that a cursor this API did not issue is refused at once (400) rather than positioning
 * the inbox anywhere. What it carries is no secret (a due time and a workflow id the reviewer has
 * just been shown), and it grants nothing: every page is scoped by the token, not by the cursor.
 * The key derives from the active payload key, so every replica accepts every other's cursors.
 */
export class InboxCursors {
  private readonly key: Buffer;

  constructor(codecKeyHex: string) {
    this.key = createHmac('sha256', Buffer.from(codecKeyHex, 'hex')).update('lendbridge inbox cursors v1').digest();
  }

  seal(cursor: InboxCursor): string {
    const body = Buffer.from(
      [
        cursor.due ?? '-',
        Math.min(cursor.ties, MAX_TIES),
        Math.max(1, Math.round(cursor.span)),
        cursor.workflowId,
      ].join('|'),
    );
    return `${body.toString('base64url')}.${this.mac(body).toString('base64url')}`;
  }

  /** The cursor, or a 400 problem naming `after` for anything this API did not issue. */
  open(sealed: string): InboxCursor {
    if (!CURSOR_SHAPE.test(sealed)) throw refused();
    const [encoded = '', mac = ''] = sealed.split('.');
    const body = Buffer.from(encoded, 'base64url');
    const given = Buffer.from(mac, 'base64url');
    const expected = this.mac(body);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw refused();
    // Sealed by this API, so well formed; checked all the same, as the second fence before a query.
    const match = PAYLOAD.exec(body.toString('utf8'));
    if (!match) throw refused();
    const [, due = '', ties, span, workflowId = ''] = match;
    const cursor: InboxCursor = {
      ...(due !== '-' && { due: Number(due) }),
      ties: Number(ties),
      span: Number(span),
      workflowId,
    };
    const dated = cursor.due !== undefined;
    // A due time within visibility's range; without one, the task without one it follows, no ties.
    if (
      cursor.span >= END_OF_TIME ||
      (dated ? cursor.due! >= END_OF_TIME || (cursor.ties > 0 && !workflowId) : !workflowId || cursor.ties > 0)
    ) {
      throw refused();
    }
    return cursor;
  }

  private mac(body: Buffer): Buffer {
    return createHmac('sha256', this.key).update(body).digest().subarray(0, 16);
  }
}
