/**
 * The codec endpoint the Temporal Web UI calls to show payloads in clear: it decrypts with the same
 * keys as workers and clients. Ops only: a decrypted history is personal data. It never encrypts:
 * the UI does not need it, and an encrypting endpoint would let anyone who can reach it write
 * payloads a worker decrypts (actions are authenticated separately anyway: action-assertion.ts).
 * The UI calls it from the browser, so CORS admits the UI's origin (see createApiApp).
 */
import {
  BadRequestException,
  Body,
  UnprocessableEntityException,
  Controller,
  HttpCode,
  HttpStatus,
  Inject,
  Post,
} from '@nestjs/common';
import { ApiBearerAuth, ApiExcludeController, ApiOperation, ApiTags } from '@nestjs/swagger';
import { type PayloadCodec } from '@temporalio/common';
import { CodecRequestError, PayloadCodecError, decodePayloadsJson, type PayloadsJson } from '#codec';
import { AcceptsSessionCookie, RequireRoles } from '../auth/decorators.js';
import { Role } from '../auth/principal.js';
import { LendbridgeEndpoint } from '../lendbridge-endpoint.decorator.js';

export const PAYLOAD_CODEC = Symbol('PayloadCodec');

// Temporal's remote codec protocol, called by the Temporal UI: not part of the API the document describes.
@ApiExcludeController()
@ApiTags('ops')
@ApiBearerAuth()
@LendbridgeEndpoint()
@Controller('codec')
@RequireRoles(Role.OPS)
@AcceptsSessionCookie()
export class CodecController {
  constructor(@Inject(PAYLOAD_CODEC) private readonly codec: PayloadCodec) {}

  @Post('decode')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'Temporal codec server: decrypt payloads' })
  async decode(@Body() body: unknown): Promise<PayloadsJson> {
    return await this.run(() => decodePayloadsJson(this.codec, body));
  }

  private async run(work: () => Promise<PayloadsJson>): Promise<PayloadsJson> {
    try {
      return await work();
    } catch (error) {
      if (error instanceof CodecRequestError) throw new BadRequestException(error.message);
      // A payload under an unknown key or tampered with: the request is well formed, its content is not.
      if (error instanceof PayloadCodecError) throw new UnprocessableEntityException(error.message);
      throw error;
    }
  }
}
