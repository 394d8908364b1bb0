import { applyDecorators, SetMetadata } from '@nestjs/common';
import { ApiConsumes, ApiExtension } from '@nestjs/swagger';
import { MULTIPART_FORM_EXTENSION } from './openapi-document.js';

/** Metadata the request-shape guard reads: this action takes multipart/form-data as well as JSON. */
export const ACCEPTS_FILE_UPLOAD = 'lendbridge:accepts-file-upload';

/**
 * An action that takes the hash as JSON or the file as multipart/form-data (`form`: the parts). One
 * decorator both documents the form and lets the request-shape guard pass it, so no action takes a
 * form the OpenAPI document does not describe, nor describes one it refuses.
 */
export function AcceptsFileUpload(form: object): MethodDecorator {
  return applyDecorators(
    ApiConsumes('application/json', 'multipart/form-data'),
    ApiExtension(MULTIPART_FORM_EXTENSION, form),
    SetMetadata(ACCEPTS_FILE_UPLOAD, true),
  );
}
