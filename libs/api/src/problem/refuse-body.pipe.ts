import { Injectable, type PipeTransform } from '@nestjs/common';
import { invalidRequest } from './problem.js';

/** For endpoints that take no body (claim, release): one sent is refused rather than silently ignored. */
@Injectable()
export class RefuseBodyPipe implements PipeTransform<unknown, undefined> {
  transform(value: unknown): undefined {
    const empty =
      value === undefined || (typeof value === 'object' && value !== null && Object.keys(value).length === 0);
    if (!empty) throw invalidRequest([{ field: 'body', message: 'this endpoint takes no body' }]);
    return undefined;
  }
}
