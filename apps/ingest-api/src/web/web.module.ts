import { Module } from '@nestjs/common';

/** Serves the web app (dist/apps/web) at / under a strict CSP (placeholder: owner H2). */
@Module({})
export class WebModule {}
