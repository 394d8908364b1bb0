import { plainToInstance, type ClassConstructor } from 'class-transformer';
import { validate } from 'class-validator';
import { invalidRequest } from './problem.js';
import { refuseReservedKeys } from './reserved-keys.js';
import { fieldProblems } from './validation-problems.js';

/** The global ValidationPipe's rules, for bodies a pipe cannot see (multipart fields, parsed JSON). */
export async function validateDto<T extends object>(type: ClassConstructor<T>, plain: unknown): Promise<T> {
  if (typeof plain !== 'object' || plain === null || Array.isArray(plain)) {
    throw invalidRequest([{ field: 'body', message: 'must be a JSON object' }]);
  }
  refuseReservedKeys(plain, 'body');
  const instance = plainToInstance(type, plain);
  const errors = await validate(instance, { whitelist: true, forbidNonWhitelisted: true, forbidUnknownValues: true });
  if (errors.length > 0) throw invalidRequest(fieldProblems(errors));
  return instance;
}
