import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** Text of one page of a document, as the OCR engine produced it. */
@Entity({ name: 'document_pages' })
@Index('uq_document_pages_document_page', ['documentUuid', 'pageNumber'], { unique: true })
@Index('idx_document_pages_bates', ['batesPrefix', 'batesSeq'], { where: 'bates IS NOT NULL' })
// GIN over search_vector (migration 1765200000000), declared by name so the schema diff leaves it alone.
@Index('idx_document_pages_search', { synchronize: false })
export class DocumentPage {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ name: 'document_uuid', type: 'uuid' })
  documentUuid: string;

  /** 1-based page number. */
  @Column({ name: 'page_number', type: 'int' })
  pageNumber: number;

  @Column({ name: 'text', type: 'text' })
  text: string;

  /** 0..100, as reported by the engine (100 for a PDF text layer). */
  @Column({ name: 'confidence', type: 'real', nullable: true })
  confidence: number | null;

  /** e.g. `pdfjs`, `tesseract`, `textract`. */
  @Column({ name: 'engine', type: 'varchar', length: 50 })
  engine: string;

  /** The page's Bates number as printed or as the load file gives it (`ABC000123`); null when it has none. */
  @Column({ name: 'bates', type: 'varchar', length: 64, nullable: true })
  bates: string | null;

  /** The Bates number's prefix (`ABC`, `ABC-`), for range lookups. */
  @Column({ name: 'bates_prefix', type: 'varchar', length: 48, nullable: true })
  batesPrefix: string | null;

  /** The Bates number's numeric part (123). */
  @Column({ name: 'bates_seq', type: 'bigint', nullable: true })
  batesSeq: string | null;

  /** What the page is when it is not a printed page (DocumentPart in @casegraph/contracts: `headers`, `footnotes`, `comments`…); null for a page. */
  @Column({ name: 'part', type: 'varchar', length: 32, nullable: true })
  part: string | null;

  /**
   * Full-text vector of the page (english stems at weight D, exact words at weight A), set by the database's trigger
   * on every insert or update of `text`: TypeORM never reads or writes it (apps/ingest-api/src/search reads it in SQL).
   */
  @Column({ name: 'search_vector', type: 'tsvector', nullable: true, select: false, insert: false, update: false })
  searchVector?: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
