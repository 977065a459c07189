import { Module } from '@nestjs/common';
import { ProblemFilter } from './problem.filter';
import { ProblemsController } from './problems.controller';

/** Errors as problem+json (the filter app.factory.ts installs), and the problem type pages. */
@Module({
  controllers: [ProblemsController],
  providers: [ProblemFilter],
})
export class ProblemsModule {}
