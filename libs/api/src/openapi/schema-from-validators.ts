/**
 * The OpenAPI schema of a request DTO, read from its class-validator decorators: the validators are
 * the one statement of what a request may hold, so the document repeats them instead of a second,
 * hand-kept copy that would drift. `@ApiProperty` stays for what validators cannot say (examples,
 * descriptions, the class of a nested object).
 */
import { ApiProperty } from '@nestjs/swagger';
import { getMetadataStorage, ValidationTypes } from 'class-validator';

type ValidationMetadata = ReturnType<ReturnType<typeof getMetadataStorage>['getTargetValidationMetadatas']>[number];

/** Names of the DTO classes described here: their schemas refuse unknown properties, as the API does. */
export const STRICT_SCHEMAS = new Set<string>();

/** Per schema: the properties that belong to each value of another (see FieldsPerValue). */
export const FIELDS_PER_VALUE = new Map<string, { on: string; fields: Record<string, readonly string[]> }>();

/**
 * Class decorator for a DTO where some properties belong to one value of another property (a
 * decision's outcome): required with that value, refused with any other. States the table in the
 * schema, one variant per value; the DTO's validators and its controller read the same table.
 */
export function FieldsPerValue(on: string, fields: Record<string, readonly string[]>): ClassDecorator {
  return (target) => {
    FIELDS_PER_VALUE.set(target.name, { on, fields });
  };
}

type Schema = Record<string, unknown>;

/**
 * A validator's pattern as JSON Schema states it. `\d` becomes `[0-9]`: the validators test with
 * JavaScript, where `\d` means ASCII digits only, and a reader of the document (Python's `re`, say)
 * may read it as every Unicode digit.
 */
export function schemaPattern(pattern: RegExp | string): string {
  const source = typeof pattern === 'string' ? pattern : pattern.source;
  return source.replace(/\\d/g, '[0-9]');
}

/** What one validator says about the value it checks, as JSON Schema keywords. */
function constraintOf(meta: ValidationMetadata): Schema {
  const first: unknown = (meta.constraints as unknown[] | undefined)?.[0];
  switch (meta.name) {
    case 'isString':
      return { type: 'string' };
    case 'isInt':
      return { type: 'integer' };
    case 'isArray':
      return { type: 'array' };
    case 'isObject':
      return { type: 'object' };
    case 'isIn':
      return { enum: [...(first as unknown[])] };
    case 'matches':
      return { type: 'string', pattern: schemaPattern(first as RegExp | string) };
    case 'min':
      return { minimum: first };
    case 'max':
      return { maximum: first };
    case 'minLength':
      return { minLength: first };
    case 'maxLength':
      return { maxLength: first };
    case 'arrayMinSize':
      return { minItems: first };
    case 'arrayMaxSize':
      return { maxItems: first };
    case 'isRealDateTime':
      return { type: 'string', format: 'date-time' };
    default:
      return {};
  }
}

/** The JSON Schema keywords of one property, and whether a request must carry it. */
export function propertySchema(metas: readonly ValidationMetadata[]): { schema: Schema; required: boolean } {
  const own: Schema = {};
  const items: Schema = {};
  for (const meta of metas) {
    if (meta.type !== ValidationTypes.CUSTOM_VALIDATION) continue;
    Object.assign(meta.each ? items : own, constraintOf(meta));
  }
  if (own.type === 'array' || Object.keys(items).length > 0) {
    own.type = 'array';
    own.items = { type: 'string', ...items };
  }
  // @IsOptional, or @ValidateIf: absent is fine (what the condition asks is left to the description).
  const required = !metas.some((meta) => meta.type === ValidationTypes.CONDITIONAL_VALIDATION);
  return { schema: own, required };
}

/** Every validated property of a DTO class, with its schema. */
export function validatedProperties(
  target: abstract new (...args: never[]) => unknown,
): Map<string, { schema: Schema; required: boolean }> {
  const metas = getMetadataStorage().getTargetValidationMetadatas(target, '', true, false);
  const byProperty = new Map<string, ValidationMetadata[]>();
  for (const meta of metas) byProperty.set(meta.propertyName, [...(byProperty.get(meta.propertyName) ?? []), meta]);
  return new Map([...byProperty].map(([name, list]) => [name, propertySchema(list)]));
}

/**
 * Class decorator for request DTOs (bodies, queries, path parameters): each validated property gets
 * the `@ApiProperty` its validators imply, merged over the one written by hand, and the class's
 * schema is marked to refuse unknown properties. Placed above the class, it runs after the
 * property decorators it reads.
 */
export function SchemaFromValidators(): ClassDecorator {
  return (target) => {
    const constructor = target as unknown as abstract new (...args: never[]) => unknown;
    for (const [name, { schema, required }] of validatedProperties(constructor)) {
      const options: Schema = { ...schema, required };
      // A nested DTO keeps the class its @ApiProperty names; its own schema carries its rules.
      if (schema.type === 'object') delete options.type;
      ApiProperty(options)(target.prototype as object, name);
    }
    STRICT_SCHEMAS.add(target.name);
  };
}
