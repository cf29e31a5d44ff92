import { BaseConfig, ConfigSpec, baseConfigSpec, parsers } from '@casegraph/platform';

export interface OcrWorkerConfig extends BaseConfig {
  /** Port of the health/metrics HTTP server. */
  healthPort: number;
}

export const ocrWorkerConfigSpec: ConfigSpec<OcrWorkerConfig> = {
  ...baseConfigSpec,
  healthPort: { env: 'HEALTH_PORT', default: '3001', parse: parsers.int({ min: 0, max: 65535 }) },
};
