import { Module } from '@nestjs/common';
import { AuthGuard } from './auth.guard.js';
import { TokenVerifier } from './token-verifier.js';

/**
 * Token verification and the guard lendbridge's controllers use (see {@link AuthGuard} and
 * `LendbridgeEndpoint`). Not an app-wide guard: a host that imports lendbridge keeps its own
 * routes as they were. Reads the global LENDBRIDGE_CONFIG; fails at start-up when no token key
 * source is configured.
 */
@Module({
  providers: [TokenVerifier, AuthGuard],
  exports: [TokenVerifier, AuthGuard],
})
export class AuthModule {}
