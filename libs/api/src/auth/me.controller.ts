import { Controller, Get } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { LendbridgeEndpoint } from '../lendbridge-endpoint.decorator.js';
import { ApiProblems, AUTHENTICATED } from '../openapi/problem-responses.js';
import { CurrentPrincipal } from './decorators.js';
import { type Principal } from './principal.js';

/**
 * Who the caller is, as every rule sees them: the canonical identity (folded from the token's
 * subject), roles, tenants and jurisdictions. Clients compare people by this subject, never by the
 * raw token claim (the reviewer console does).
 */
@ApiTags('everyone')
@ApiBearerAuth()
@LendbridgeEndpoint()
@Controller('me')
export class MeController {
  @Get()
  @ApiOperation({ operationId: 'getMe', summary: 'The caller, as lendbridge identifies them' })
  @ApiProblems(...AUTHENTICATED)
  @ApiOkResponse({ description: 'subject, roles, tenant(s) and jurisdictions' })
  me(@CurrentPrincipal() principal: Principal): Principal {
    return {
      subject: principal.subject,
      roles: [...principal.roles],
      ...(principal.tenant !== undefined && { tenant: principal.tenant }),
      tenants: [...principal.tenants],
      jurisdictions: [...principal.jurisdictions],
    };
  }
}
