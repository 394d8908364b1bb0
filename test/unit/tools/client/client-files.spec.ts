import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type ProblemDetails } from '#api/problem/problem';
import { type Problem } from '#client';
import { generateClientFiles, OPENAPI_FILE, TYPES_FILE } from '#tools/client/client-files';

// The client's problem type and the API's are one shape: each must be assignable to the other, or
// this file (type-checked by npm run lint) stops compiling.
const sent: Problem = {} as ProblemDetails;
const received: ProblemDetails = {} as Problem;

describe('the typed client', () => {
  it('was generated from the API as it is now: run npm run client:generate and commit what it writes', async () => {
    const root = process.cwd();
    const files = await generateClientFiles(root);
    expect(Object.keys(files).sort()).toEqual([OPENAPI_FILE, TYPES_FILE].sort());
    for (const [file, text] of Object.entries(files)) {
      const committed = readFileSync(join(root, file), 'utf8');
      if (committed !== text) {
        throw new Error(
          `${file} does not match the API any more: run npm run client:generate and commit what it writes`,
        );
      }
    }
    expect([sent, received]).toHaveLength(2);
  });
});
