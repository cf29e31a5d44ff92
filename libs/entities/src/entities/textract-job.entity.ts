import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

/** An asynchronous AWS Textract job started for a document. */
@Entity({ name: 'textract_jobs' })
@Index('uq_textract_jobs_job_id', ['jobId'], { unique: true })
@Index('idx_textract_jobs_document', ['documentUuid'])
export class TextractJob {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ name: 'job_id', type: 'varchar', length: 255 })
  jobId: string;

  @Column({ name: 'document_uuid', type: 'uuid' })
  documentUuid: string;

  @Column({ name: 'project_uuid', type: 'uuid', nullable: true })
  projectUuid: string | null;

  @Column({ name: 'job_type', type: 'varchar', length: 50, default: 'DocumentTextDetection' })
  jobType: string;

  @Column({ name: 'client_request_token', type: 'varchar', length: 64, nullable: true })
  clientRequestToken: string | null;

  @Column({ name: 'job_tag', type: 'varchar', length: 64, nullable: true })
  jobTag: string | null;

  @Column({ name: 's3_bucket', type: 'text', nullable: true })
  s3Bucket: string | null;

  @Column({ name: 's3_key', type: 'text', nullable: true })
  s3Key: string | null;

  /** SUBMITTED | IN_PROGRESS | SUCCEEDED | PARTIAL_SUCCESS | FAILED | TIMED_OUT */
  @Column({ name: 'status', type: 'varchar', length: 20, default: 'SUBMITTED' })
  status: string;

  @Column({ name: 'poll_count', type: 'int', default: 0 })
  pollCount: number;

  @Column({ name: 'pages', type: 'int', nullable: true })
  pages: number | null;

  @Column({ name: 'warnings', type: 'jsonb', nullable: true })
  warnings: unknown[] | null;

  @Column({ name: 'error_message', type: 'text', nullable: true })
  errorMessage: string | null;

  @Column({ name: 'started_at', type: 'timestamptz', default: () => 'now()' })
  startedAt: Date;

  @Column({ name: 'completed_at', type: 'timestamptz', nullable: true })
  completedAt: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
