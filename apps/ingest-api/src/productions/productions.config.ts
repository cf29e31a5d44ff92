import type { IngestApiConfig } from '../config';

/**
 * Limits of a production import (POST /v1/projects/:projectUuid/productions): the PRODUCTION_* variables of the
 * API's validated config (a bad value stops the API at boot). Each image is also bounded by MAX_FILE_MB.
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

export function productionLimits(config: IngestApiConfig): ProductionLimits {
  return {
    maxFiles: config.productionMaxFiles,
    maxLoadFileMb: config.productionMaxLoadFileMb,
    maxTotalMb: config.productionMaxTotalMb,
    maxPagesPerRecord: config.productionMaxPages,
    maxImagePixels: config.productionMaxImagePixels,
  };
}
