import { ConfigSpec, loadConfig, parsers } from '@casegraph/platform';

/**
 * Limits of a production import (POST /v1/projects/:projectUuid/productions), read from the environment when the
 * module starts. Each image is also bounded by MAX_FILE_MB (the upload limit).
 */
export interface ProductionLimits {
  /** Most file parts (page images) in one request. */
  maxFiles: number;
  /** Largest DAT or OPT (MiB). */
  maxLoadFileMb: number;
  /** Largest request body (MiB): the load files and every image. */
  maxTotalMb: number;
  /** Most pages one record may have (as OCR_MAX_PAGES bounds the OCR worker). */
  maxPagesPerRecord: number;
  /** Largest page image (pixels, width × height). */
  maxImagePixels: number;
}

export const PRODUCTION_LIMITS = Symbol('PRODUCTION_LIMITS');

export const productionLimitsSpec: ConfigSpec<ProductionLimits> = {
  maxFiles: { env: 'PRODUCTION_MAX_FILES', default: '20000', parse: parsers.int({ min: 1, max: 1_000_000 }) },
  maxLoadFileMb: { env: 'PRODUCTION_MAX_LOAD_FILE_MB', default: '256', parse: parsers.number({ min: 0.001, max: 10_000 }) },
  maxTotalMb: { env: 'PRODUCTION_MAX_TOTAL_MB', default: '20480', parse: parsers.number({ min: 0.001, max: 10_000_000 }) },
  maxPagesPerRecord: { env: 'PRODUCTION_MAX_PAGES', default: '2000', parse: parsers.int({ min: 1, max: 100_000 }) },
  maxImagePixels: { env: 'PRODUCTION_MAX_IMAGE_PIXELS', default: '100000000', parse: parsers.int({ min: 1, max: 2_000_000_000 }) },
};

export function productionLimits(env: NodeJS.ProcessEnv = process.env): ProductionLimits {
  return loadConfig(productionLimitsSpec, env);
}
