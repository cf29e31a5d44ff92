import { BaseConfig, ConfigSpec, baseConfigSpec, parsers } from '@casegraph/platform';

export interface IngestApiConfig extends BaseConfig {
  port: number;
}

export const ingestApiConfigSpec: ConfigSpec<IngestApiConfig> = {
  ...baseConfigSpec,
  port: { env: 'PORT', default: '3000', parse: parsers.int({ min: 0, max: 65535 }) },
};
