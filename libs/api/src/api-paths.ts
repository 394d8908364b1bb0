import { Inject, Injectable } from '@nestjs/common';
import { ApplicationConfig } from '@nestjs/core';

/**
 * Absolute paths of lendbridge's own resources, for links and Location headers. The prefix is the
 * host application's (`/v1` in the standalone API, none or another in a host), read at each call
 * because a host sets it after the module is built.
 */
@Injectable()
export class ApiPaths {
  constructor(@Inject(ApplicationConfig) private readonly app: ApplicationConfig) {}

  of(...segments: string[]): string {
    const prefix = this.app.getGlobalPrefix().replace(/^\/+|\/+$/g, '');
    return [prefix, ...segments.map(encodeURIComponent)].filter((s) => s !== '').reduce((p, s) => `${p}/${s}`, '');
  }
}
