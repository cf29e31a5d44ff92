import { Module } from '@nestjs/common';
import { IntakeModule } from '../intake/intake.module';
import { SweeperService } from './sweeper.service';

/** The stuck-document sweeper (uses the intake's bounded Bull access; DocumentStateService is global). */
@Module({
  imports: [IntakeModule],
  providers: [SweeperService],
  exports: [SweeperService],
})
export class SweeperModule {}
