import { Controller, Get, Header, Res } from '@nestjs/common';
import type { Response } from 'express';
import { renderMetrics } from './metrics';

@Controller('metrics')
export class MetricsController {
  @Get()
  @Header('Cache-Control', 'no-store')
  async metrics(@Res() res: Response): Promise<void> {
    const { contentType, body } = await renderMetrics();
    res.setHeader('Content-Type', contentType);
    res.send(body);
  }
}
