import { Module } from '@nestjs/common';
import { IntakeModule } from '../intake/intake.module';
import { BatesService } from './bates.service';
import { BatesController, ProductionsController } from './productions.controller';
import { ProductionsService } from './productions.service';

/** Production imports (DAT + OPT + page images) and Bates lookups. */
@Module({
  imports: [IntakeModule],
  controllers: [ProductionsController, BatesController],
  providers: [ProductionsService, BatesService],
})
export class ProductionsModule {}
