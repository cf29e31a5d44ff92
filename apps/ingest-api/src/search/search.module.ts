import { Module } from '@nestjs/common';

/** Full-text search over page text (placeholder: see /work/15/DESIGN.md, owner H1). */
@Module({})
export class SearchModule {}
