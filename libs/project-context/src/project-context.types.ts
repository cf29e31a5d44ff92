export interface ProjectContext {
  documentUuid: string;
  projectUuid: string;
  projectId: number;
  documentMetadata: {
    filename: string;
    s3Bucket?: string;
    s3Key?: string;
    uploadedAt: string;
  };
}

export interface ProjectContextModuleOptions {
  redisUrl: string;
  /** TTL of a cache entry; ±10% jitter is applied. Default 86400. */
  ttlSeconds?: number;
}

export const PROJECT_CONTEXT_OPTIONS = Symbol('PROJECT_CONTEXT_OPTIONS');

/** The document does not exist in the database. Nothing was written anywhere. */
export class DocumentNotFoundError extends Error {
  constructor(readonly documentUuid: string) {
    super(`Document ${documentUuid} not found`);
    this.name = 'DocumentNotFoundError';
  }
}
