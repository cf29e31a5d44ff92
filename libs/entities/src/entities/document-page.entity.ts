import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** Text of one page of a document, as the OCR engine produced it. */
@Entity({ name: 'document_pages' })
@Index('uq_document_pages_document_page', ['documentUuid', 'pageNumber'], { unique: true })
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

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
