/**
 * The read API over a graph the real worker built: ingest-api's test app and an in-process graph pipeline
 * (started together), one project, and each document created and processed in turn; `close` removes the
 * project's rows and stops both apps. For e2e specs that write their own document and then read it through the API.
 */
import {
  PipelineApp,
  TestProject,
  cleanupProjects,
  TestEmail,
  createDocument,
  createEmailDocument,
  createPipelineApp,
  createProject,
} from '../../apps/graph-worker/src/testing/graph-test-kit';
import { TestApp, cleanupTestData, createTestApp } from '../../apps/ingest-api/src/testing/test-app';

export interface ProcessedDocument {
  /** The pages; ignored for an e-mail (its pages are the header page and `email.body`). */
  pages: string[];
  filename: string;
  /**
   * An e-mail as the OCR stage leaves it (graph-test-kit `createEmailDocument`): document_metadata
   * {format: 'eml', email}, page 1 the headers (part 'email-headers'), page 2 the body (part 'email-body').
   */
  email?: TestEmail;
}

export interface ApiWithWorker {
  t: TestApp;
  worker: PipelineApp;
  project: TestProject;
  /** The documents' uuids, in the order given. */
  documents: string[];
  close(): Promise<void>;
}

export async function openApiWithWorker(label: string, docs: ProcessedDocument[]): Promise<ApiWithWorker> {
  const [t, worker] = await Promise.all([createTestApp(), createPipelineApp()]);
  const project = await createProject(t.db, label);
  const close = async (): Promise<void> => {
    await cleanupProjects(t.db, [project]);
    await cleanupTestData(t, []);
    await Promise.all([t.close(), worker.close()]);
  };
  const documents: string[] = [];
  try {
    for (const d of docs) {
      const documentUuid = d.email
        ? await createEmailDocument(t.db, project, d.email, d.filename)
        : await createDocument(t.db, project, d.pages, d.filename);
      documents.push(documentUuid);
      await worker.pipeline.process(documentUuid);
    }
  } catch (err) {
    // The caller gets no handle to close, so the project's rows and both apps go here.
    await close();
    throw err;
  }
  return { t, worker, project, documents, close };
}
