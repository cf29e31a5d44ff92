import { BaseConfig, ConfigSpec, baseConfigSpec, parsers } from '@casegraph/platform';

export interface GraphWorkerConfig extends BaseConfig {
  /** Port of the health/metrics HTTP server. */
  healthPort: number;
}

export const graphWorkerConfigSpec: ConfigSpec<GraphWorkerConfig> = {
  ...baseConfigSpec,
  healthPort: { env: 'HEALTH_PORT', default: '3002', parse: parsers.int({ min: 0, max: 65535 }) },
};
