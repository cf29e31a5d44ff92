import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

/** A legal matter. `project_uuid` is nullable only while a legacy database is being healed. */
@Entity({ name: 'projects' })
@Index('uq_projects_project_uuid', ['projectUuid'], { unique: true })
export class Project {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ type: 'varchar', length: 255, default: '' })
  name: string;

  @Column({ name: 'project_uuid', type: 'uuid', nullable: true })
  projectUuid: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
