import fc from 'fast-check';
import { ProblemException } from '#api/problem/problem';
import { refuseReservedKeys } from '#api/problem/reserved-keys';

/** The problem a refusal carries: its field and message, or undefined when nothing was refused. */
function refusal(value: unknown): { field: string; message: string } | undefined {
  try {
    refuseReservedKeys(value, 'body');
    return undefined;
  } catch (error) {
    if (!(error instanceof ProblemException)) throw error;
    expect(error.getStatus()).toBe(400);
    return error.errors?.[0];
  }
}

describe('refuseReservedKeys', () => {
  it('refuses a lone surrogate in any string or key, naming where, never echoing it', () => {
    expect(refusal(JSON.parse('{"fields":{"rating":"A\\ud800"}}'))).toEqual({
      field: 'body.fields.rating',
      message: 'is not valid Unicode text',
    });
    expect(refusal(JSON.parse('{"fields":{"\\udc00x":1}}'))).toEqual({
      field: 'body.fields.(unnamed)',
      message: 'is not valid Unicode text',
    });
    expect(refusal(JSON.parse('{"notes":["ok","\\ud83d"]}'))?.message).toBe('is not valid Unicode text');
  });

  it('takes any well-formed text, a surrogate pair included', () => {
    expect(refusal({ reason: 'statement 😀 illegible', fields: { 名称: '深圳' } })).toBeUndefined();
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), (text) => {
        expect(refusal({ text, [`k${text}`]: text })).toBeUndefined();
      }),
    );
  });

  it('still refuses the keys that name object internals', () => {
    expect(refusal(JSON.parse('{"a":{"__proto__":{}}}'))).toEqual({
      field: 'body.a.__proto__',
      message: 'this key is not allowed',
    });
  });
});
