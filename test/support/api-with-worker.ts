/**
 * The read API over a graph the real worker built: ingest-api's test app and an in-process graph pipeline
 * (started together), one project, and each document created and processed in turn; `close` removes the
 * project's rows and stops both apps. For e2e specs that write their own document and then read it through the API.
 */
import {
  PipelineApp,
  TestProject,
  cleanupProjects,
  createDocument,
  createPipelineApp,
  createProject,
} from '../../apps/graph-worker/src/testing/graph-test-kit';
import { TestApp, cleanupTestData, createTestApp } from '../../apps/ingest-api/src/testing/test-app';

export interface ProcessedDocument {
  pages: string[];
  filename: string;
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
      const documentUuid = await createDocument(t.db, project, d.pages, d.filename);
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
