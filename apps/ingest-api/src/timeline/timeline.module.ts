import { Module } from '@nestjs/common';

/** Dated events of a project: DATE mentions with their sentence and document (placeholder: owner H6). */
@Module({})
export class TimelineModule {}
