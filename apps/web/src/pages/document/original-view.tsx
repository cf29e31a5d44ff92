import { useCallback, useEffect, useRef, useState } from 'react';
import { PdfDocument, PdfPageSize, openPdf } from '../../pdf';
import { ErrorBox, Loading } from '../../ui';
import { useNearViewport } from './lazy';
import { formatName, originalKind, type DocumentView } from './model';

const fileUrl = (documentUuid: string) => `/v1/documents/${documentUuid}/file`;
/** Widest a page is drawn (CSS pixels): readable on a laptop without a second scroll bar. */
const MAX_PAGE_WIDTH = 900;

function PdfPages({ documentUuid, focusPage }: { documentUuid: string; focusPage: number | null }) {
  const [pdf, setPdf] = useState<{ doc: PdfDocument; first: PdfPageSize } | undefined>();
  const [error, setError] = useState<unknown>();
  const box = useRef<HTMLDivElement>(null);
  const canvases = useRef(new Map<number, HTMLCanvasElement>());
  const drawn = useRef(new Set<number>());
  const [width, setWidth] = useState(MAX_PAGE_WIDTH);

  useEffect(() => {
    const ctl = new AbortController();
    let doc: PdfDocument | undefined;
    setPdf(undefined);
    setError(undefined);
    drawn.current = new Set();
    openPdf(fileUrl(documentUuid), ctl.signal)
      .then(async (d) => {
        doc = d;
        const first = await d.pageSize(1);
        if (!ctl.signal.aborted) setPdf({ doc: d, first });
      })
      .catch((err: unknown) => !ctl.signal.aborted && setError(err));
    return () => {
      ctl.abort();
      doc?.destroy();
    };
  }, [documentUuid]);

  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const measure = () => setWidth(Math.max(200, Math.min(MAX_PAGE_WIDTH, el.clientWidth - 2)));
    measure();
    const ro = new ResizeObserver(measure);
    ro.observe(el);
    return () => ro.disconnect();
  }, [pdf]);

  const draw = useCallback(
    (n: number) => {
      const canvas = canvases.current.get(n);
      if (!pdf || !canvas || drawn.current.has(n)) return;
      drawn.current.add(n);
      pdf.doc.render(n, canvas, width).then(
        () => {
          canvas.dataset.rendered = 'true';
        },
        (err: unknown) => {
          // Replaced by a newer drawing of the same canvas (a resize): not a failure.
          if (err instanceof Error && err.name === 'RenderingCancelledException') return;
          drawn.current.delete(n);
          canvas.dataset.rendered = 'failed';
          canvas.title = `Page ${n} could not be drawn: ${err instanceof Error ? err.message : String(err)}`;
        },
      );
    },
    [pdf, width],
  );
  // A new width (a resized window) clears the canvases React resizes: the pages drawn before are drawn again.
  useEffect(() => {
    const before = [...drawn.current];
    drawn.current = new Set();
    before.forEach(draw);
  }, [draw]);
  const observe = useNearViewport(draw, '1200px 0px');

  useEffect(() => {
    if (!pdf || !focusPage) return;
    canvases.current.get(focusPage)?.scrollIntoView({ block: 'start' });
  }, [pdf, focusPage]);

  if (error) return <ErrorBox title="The PDF cannot be shown" error={error} />;
  if (!pdf) return <Loading label="Opening the PDF…" />;
  const height = Math.round((width * pdf.first.height) / pdf.first.width);
  return (
    <div className="pdf-pages" ref={box}>
      {Array.from({ length: pdf.doc.pageCount }, (_, i) => i + 1).map((n) => (
        <figure key={n} className="pdf-page">
          <canvas
            role="img"
            aria-label={`Original page ${n}`}
            width={width}
            height={height}
            style={{ width, height }}
            ref={(el) => {
              observe(n)(el);
              if (el) canvases.current.set(n, el);
              else canvases.current.delete(n);
            }}
          />
          <figcaption className="muted">
            Page {n} of {pdf.doc.pageCount}
          </figcaption>
        </figure>
      ))}
    </div>
  );
}

function ImageOriginal({ documentUuid, filename }: { documentUuid: string; filename: string }) {
  const [url, setUrl] = useState<string>();
  const [error, setError] = useState<unknown>();
  useEffect(() => {
    const ctl = new AbortController();
    let made: string | undefined;
    fetch(fileUrl(documentUuid), { credentials: 'same-origin', signal: ctl.signal, cache: 'no-store' })
      .then(async (res) => {
        if (!res.ok) throw new Error(`The original could not be loaded (${res.status})`);
        made = URL.createObjectURL(await res.blob());
        setUrl(made);
      })
      .catch((err: unknown) => !ctl.signal.aborted && setError(err));
    return () => {
      ctl.abort();
      if (made) URL.revokeObjectURL(made);
    };
  }, [documentUuid]);
  if (error) return <ErrorBox error={error} />;
  if (!url) return <Loading label="Loading the image…" />;
  return <img className="original-image" src={url} alt={`The original image, ${filename}`} />;
}

/** The original file: PDF pages drawn by PDF.js, an image as it is, anything else described with its download. */
export function OriginalView({ doc, focusPage }: { doc: DocumentView; focusPage: number | null }) {
  const type = doc.detectedFileType ?? doc.fileType;
  const kind = originalKind(type);
  if (kind === 'pdf') return <PdfPages documentUuid={doc.documentUuid} focusPage={focusPage} />;
  if (kind === 'image') return <ImageOriginal documentUuid={doc.documentUuid} filename={doc.filename} />;
  return (
    <div className="panel original-other">
      <p>
        The original is {formatName(type)}, which the browser cannot show as it is. Its text is under <strong>Text</strong>
        {doc.family.children.length ? '; its attachments are listed above' : ''}.
      </p>
      <p>
        <a className="button" href={fileUrl(doc.documentUuid)} download>
          Download the original
        </a>
      </p>
    </div>
  );
}
