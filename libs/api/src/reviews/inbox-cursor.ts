import { ID_PATTERN } from '#domain';
import { unprocessableRequest } from '../problem/problem.js';
import { TokenSeal } from '../problem/token-seal.js';
import { END_OF_TIME, type DuePosition } from './inbox-window.js';

/** A page's end: where the next page starts, and how wide (in due time) this page's window was. */
export interface InboxCursor extends DuePosition {
  /** Milliseconds: the next page's first probe is `due + span`. */
  span: number;
}

const ID = ID_PATTERN.source.slice(1, -1);
const PAYLOAD = new RegExp(`^(0|[1-9]\\d{0,14})\\|(0|[1-9]\\d{0,3})\\|([1-9]\\d{0,14})\\|((?:loan/${ID}/${ID})?)$`);
const MAX_TIES = 9_999;

/** What the query's `after` must look like before it is opened: body (171 bytes at most) and seal, base64url. */
export const CURSOR_SHAPE = /^[A-Za-z0-9_-]{8,256}\.[A-Za-z0-9_-]{22}$/;

const refused = () =>
  unprocessableRequest([{ field: 'after', message: 'after must be a nextCursor this API returned, unchanged' }]);

/**
 * Inbox cursors (`nextCursor`, sent back as `after`), sealed like the list's page tokens, so that
 * a cursor this API did not issue is refused at once (422) rather than positioning the inbox
 * anywhere. What it carries is no secret (a due time and a workflow id the reviewer has just been
 * shown), and it grants nothing: every page is scoped by the token, not by the cursor.
 */
export class InboxCursors {
  private readonly sealer: TokenSeal;

  constructor(codecKeyHex: string) {
    this.sealer = new TokenSeal(codecKeyHex, 'lendbridge inbox cursors v1');
  }

  seal(cursor: InboxCursor): string {
    const body = Buffer.from(
      [cursor.due, Math.min(cursor.ties, MAX_TIES), Math.max(1, Math.round(cursor.span)), cursor.workflowId].join('|'),
    );
    return this.sealer.seal(body);
  }

  /** The cursor, or a 400 problem naming `after` for anything this API did not issue. */
  open(sealed: string): InboxCursor {
    const body = CURSOR_SHAPE.test(sealed) ? this.sealer.open(sealed) : undefined;
    if (!body) throw refused();
    // Sealed by this API, so well formed; checked all the same, as the second fence before a query.
    const match = PAYLOAD.exec(body.toString('utf8'));
    if (!match) throw refused();
    const [, due, ties, span, workflowId = ''] = match;
    const cursor: InboxCursor = { due: Number(due), ties: Number(ties), span: Number(span), workflowId };
    // A due time within visibility's range; ties only after a task.
    if (cursor.span >= END_OF_TIME || cursor.due >= END_OF_TIME || (cursor.ties > 0 && !workflowId)) throw refused();
    return cursor;
  }
}
