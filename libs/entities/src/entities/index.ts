export * from './project.entity';
export * from './source-document.entity';
export * from './document-page.entity';
export * from './document-chunk.entity';
export * from './entity-mention.entity';
export * from './canonical-entity.entity';
export * from './relationship.entity';
export * from './textract-job.entity';
