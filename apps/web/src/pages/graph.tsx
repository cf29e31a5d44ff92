/**
 * The neighbourhood explorer: starts from ?entity= (its neighbourhood) or from the project's top graph, grows by
 * expanding nodes (click on the canvas, or the `Expand …` buttons of the node list, which keyboard users and the
 * tests use). The graph lives in a ref and sigma draws it; React renders the panels once per change of the view,
 * never once per node on the canvas.
 */
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { api } from '../api';
import { Link, navigate, paths, useLocation } from '../router';
import { ErrorBox, FileName, PageTitle, TypeBadge } from '../ui';
import { type Renderer, createRenderer, renderPng, webgl2Available } from './graph/canvas';
import { EntityPicker } from './graph/entity-picker';
import { viewToGraphML, viewToJson } from './graph/export';
import { type Filters, NO_FILTERS, typesInView, visibleView } from './graph/filter';
import { settle } from './graph/layout';
import { type ApiEdge, type ApiNode, createViewGraph, mergeIntoView } from './graph/model';
import { RELATIONSHIP_COLOURS, TYPE_COLOURS, isTyped } from './graph/style';

/** Nodes asked for per expansion, and for the first view (readable: 50–150). */
const EXPAND_LIMIT = 60;
const START_LIMIT = 150;
/** Buttons rendered in the node list at most (the rest are reached through its filter field). */
const LIST_LIMIT = 300;

interface Hovered {
  kind: 'node' | 'edge';
  id: string;
}

function download(name: string, blob: Blob) {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export function GraphPage({ projectUuid }: { projectUuid: string }) {
  const loc = useLocation();
  const entity = loc.query.get('entity');
  const graph = useMemo(() => createViewGraph(), []);
  const container = useRef<HTMLDivElement>(null);
  const renderer = useRef<Renderer | null>(null);
  const [filters, setFilters] = useState<Filters>(NO_FILTERS);
  const filtersRef = useRef(filters);
  filtersRef.current = filters;
  const [version, setVersion] = useState(0);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<unknown>(null);
  const [status, setStatus] = useState('');
  const [hovered, setHovered] = useState<Hovered | null>(null);
  const [noWebgl, setNoWebgl] = useState<string | null>(null);
  const [listFilter, setListFilter] = useState('');
  const [format, setFormat] = useState<'png' | 'json' | 'graphml'>('png');
  const [names, setNames] = useState<Record<string, string>>({});

  const changed = useCallback(() => {
    renderer.current?.refresh();
    setVersion((v) => v + 1);
  }, []);

  const openNode = useCallback(
    (id: string) => {
      if (!graph.hasNode(id)) return;
      const a = graph.getNodeAttributes(id);
      navigate(a.kind === 'document' ? paths.document(projectUuid, id) : paths.entity(projectUuid, id));
    },
    [graph, projectUuid],
  );

  const expand = useCallback(
    async (id: string) => {
      if (!graph.hasNode(id)) return;
      const a = graph.getNodeAttributes(id);
      if (a.kind === 'document') {
        setStatus(`${a.label} is a document: open it from the side panel`);
        return;
      }
      setStatus(`Expanding ${a.label}…`);
      try {
        const r = await api.get<{ nodes: ApiNode[]; edges: ApiEdge[]; truncated: boolean }>(
          `/v1/projects/${projectUuid}/entities/${id}/neighbourhood`,
          { limit: EXPAND_LIMIT },
        );
        const merged = mergeIntoView(graph, r.nodes, r.edges, id);
        settle(graph, merged.added);
        setStatus(`${a.label}: ${merged.added.length} new nodes, ${merged.addedEdges} new edges${r.truncated ? ' (more exist)' : ''}`);
        changed();
      } catch (err) {
        setError(err);
        setStatus('');
      }
    },
    [graph, projectUuid, changed],
  );

  // The canvas, once; a browser without WebGL 2 gets a message and keeps the node list.
  useEffect(() => {
    if (!container.current) return;
    if (!webgl2Available()) {
      setNoWebgl('This browser has no WebGL 2, so the graph cannot be drawn. The node list beside it still works.');
      return;
    }
    try {
      renderer.current = createRenderer(graph, container.current, () => filtersRef.current, {
        clickNode: (n) => void expand(n),
        doubleClickNode: openNode,
        hoverNode: (n) => n && setHovered({ kind: 'node', id: n }),
        hoverEdge: (e) => e && setHovered({ kind: 'edge', id: e }),
      });
    } catch (err) {
      setNoWebgl(`The graph cannot be drawn here (${err instanceof Error ? err.message : 'WebGL error'}). The node list beside it still works.`);
    }
    return () => {
      renderer.current?.kill();
      renderer.current = null;
    };
  }, [graph, expand, openNode]);

  // The starting view: the entity's neighbourhood, or the project's top graph.
  useEffect(() => {
    const ctl = new AbortController();
    graph.clear();
    setHovered(null);
    setLoading(true);
    setError(null);
    const load = entity
      ? api.get<{ nodes: ApiNode[]; edges: ApiEdge[] }>(
          `/v1/projects/${projectUuid}/entities/${entity}/neighbourhood`,
          { limit: START_LIMIT },
          ctl.signal,
        )
      : api.get<{ nodes: ApiNode[]; edges: ApiEdge[] }>(`/v1/projects/${projectUuid}/graph`, { limit: START_LIMIT }, ctl.signal);
    load.then(
      (r) => {
        if (ctl.signal.aborted) return;
        mergeIntoView(graph, r.nodes, r.edges, undefined);
        if (entity && graph.hasNode(entity)) graph.setNodeAttribute(entity, 'expanded', true);
        settle(graph);
        setLoading(false);
        setStatus(`${graph.order} nodes loaded`);
        changed();
      },
      (err: Error) => {
        if (ctl.signal.aborted) return;
        setError(err);
        setLoading(false);
      },
    );
    return () => ctl.abort();
  }, [graph, projectUuid, entity, changed]);

  // A filter change re-renders the canvas (the style rules read filtersRef).
  useEffect(() => {
    renderer.current?.refresh();
  }, [filters]);

  // eslint-disable-next-line react-hooks/exhaustive-deps -- `version` is what says the graph (a ref) changed
  const view = useMemo(() => visibleView(graph, filters), [graph, filters, version]);
  // eslint-disable-next-line react-hooks/exhaustive-deps -- as above
  const present = useMemo(() => typesInView(graph), [graph, version]);

  const hoveredEdge = hovered?.kind === 'edge' && graph.hasEdge(hovered.id) ? hovered.id : null;
  const evidenceDoc = hoveredEdge ? graph.getEdgeAttribute(hoveredEdge, 'evidence')?.documentUuid : undefined;
  // The evidence names its document by UUID: its file name comes from the view (a document node) or the API, once.
  useEffect(() => {
    if (!evidenceDoc || names[evidenceDoc] !== undefined || graph.hasNode(evidenceDoc)) return;
    api.get<{ filename: string }>(`/v1/documents/${evidenceDoc}`).then(
      (d) => setNames((n) => ({ ...n, [evidenceDoc]: d.filename })),
      () => setNames((n) => ({ ...n, [evidenceDoc]: '' })),
    );
  }, [evidenceDoc, names, graph]);

  const toggle = (kind: 'hiddenTypes' | 'hiddenRelationships', value: string) =>
    setFilters((f) => {
      const next = new Set(f[kind]);
      if (next.has(value)) next.delete(value);
      else next.add(value);
      return { ...f, [kind]: next };
    });

  const exportView = async () => {
    const stamp = new Date().toISOString().slice(0, 10);
    if (format === 'png') {
      const png = renderer.current ? await renderPng(renderer.current) : null;
      if (png) return download(`casegraph-view-${stamp}.png`, png);
      setStatus('No image could be made here: the view was saved as JSON instead');
    }
    if (format === 'graphml')
      return download(`casegraph-view-${stamp}.graphml`, new Blob([viewToGraphML(view)], { type: 'application/graphml+xml' }));
    download(`casegraph-view-${stamp}.json`, new Blob([viewToJson(view)], { type: 'application/json' }));
  };

  const listed = useMemo(() => {
    const f = listFilter.trim().toLowerCase();
    return view.nodes
      .filter((n) => !f || n.label.toLowerCase().includes(f))
      .sort((a, b) => (b.mentionCount ?? 0) - (a.mentionCount ?? 0) || a.label.localeCompare(b.label));
  }, [view, listFilter]);

  const focus = (id: string) => {
    const r = renderer.current;
    const d = r?.getNodeDisplayData(id);
    if (r && d) void r.getCamera().animate({ x: d.x, y: d.y, ratio: 0.5 }, { duration: 300 });
    setHovered({ kind: 'node', id });
  };

  return (
    <section className="graph-page">
      <PageTitle
        actions={
          <div className="graph-export">
            <label htmlFor="graph-export-format" className="visually-hidden">
              Export format
            </label>
            <select id="graph-export-format" value={format} onChange={(e) => setFormat(e.target.value as typeof format)}>
              <option value="png">PNG image</option>
              <option value="json">JSON</option>
              <option value="graphml">GraphML</option>
            </select>
            <button type="button" onClick={() => void exportView()} disabled={!view.nodes.length}>
              Export view
            </button>
          </div>
        }
      >
        Graph
      </PageTitle>
      <div className="graph-start">
        <EntityPicker projectUuid={projectUuid} label="Start from an entity" onPick={(e) => navigate(paths.graph(projectUuid, e.uuid))} />
        {entity ? (
          <button type="button" className="secondary" onClick={() => navigate(paths.graph(projectUuid))}>
            Show the project’s top graph
          </button>
        ) : null}
        <p className="muted graph-help">Click a node to expand it, double-click to open it; hover an edge for its evidence.</p>
      </div>
      <ErrorBox error={error} />
      <div className="graph-layout">
        <div className="graph-main">
          <div className="graph-counts">
            <span>{view.nodes.length} nodes</span> · <span>{view.edges.length} edges</span>
            {loading ? <span className="muted"> · Loading…</span> : null}
            <span className="visually-hidden" role="status" aria-live="polite">
              {status}
            </span>
          </div>
          {noWebgl ? (
            <p className="error" role="alert">
              {noWebgl}
            </p>
          ) : null}
          <div ref={container} className={noWebgl ? 'graph-canvas graph-canvas-off' : 'graph-canvas'} role="region" aria-label="Graph" />
          <Legend types={present.entityTypes} relationships={present.relationshipTypes} />
        </div>
        <aside className="graph-side">
          <fieldset className="graph-filters">
            <legend>Entity types</legend>
            {[...present.entityTypes].map(([t, n]) => (
              <label key={t} className="check">
                <input type="checkbox" checked={!filters.hiddenTypes.has(t)} onChange={() => toggle('hiddenTypes', t)} />
                <span className={`swatch`} style={{ background: TYPE_COLOURS[t] ?? '#6b7280' }} aria-hidden="true" /> {t}{' '}
                <span className="muted">({n})</span>
              </label>
            ))}
          </fieldset>
          <fieldset className="graph-filters">
            <legend>Relationship types</legend>
            {[...present.relationshipTypes].map(([t, n]) => (
              <label key={t} className="check">
                <input type="checkbox" checked={!filters.hiddenRelationships.has(t)} onChange={() => toggle('hiddenRelationships', t)} />
                <span
                  className={isTyped(t) ? 'edge-swatch' : 'edge-swatch dashed'}
                  style={{ borderColor: RELATIONSHIP_COLOURS[t] ?? '#94a3b8' }}
                  aria-hidden="true"
                />{' '}
                {t} <span className="muted">({n})</span>
              </label>
            ))}
          </fieldset>
          <Details projectUuid={projectUuid} hovered={hovered} graphApi={{ graph, names }} onExpand={(id) => void expand(id)} />
          <div className="graph-list">
            <h2>Nodes in view</h2>
            <div className="field">
              <label htmlFor="graph-list-filter">Find in view</label>
              <input id="graph-list-filter" type="search" value={listFilter} onChange={(e) => setListFilter(e.target.value)} autoComplete="off" />
            </div>
            <ul aria-label="Nodes in view">
              {listed.slice(0, LIST_LIMIT).map((n) => (
                <li key={n.id} className={n.expanded ? 'expanded' : undefined}>
                  <button type="button" className="link-button" onClick={() => focus(n.id)} title="Show on the graph">
                    <TypeBadge type={n.entityType} /> <span className="node-name">{n.label}</span>
                  </button>
                  {n.kind === 'entity' ? (
                    <button type="button" className="secondary small" onClick={() => void expand(n.id)} aria-label={`Expand ${n.label}`}>
                      {n.expanded ? 'Expand again' : 'Expand'}
                    </button>
                  ) : null}
                </li>
              ))}
            </ul>
            {listed.length > LIST_LIMIT ? <p className="muted">…and {listed.length - LIST_LIMIT} more: narrow with “Find in view”.</p> : null}
          </div>
        </aside>
      </div>
    </section>
  );
}

function Legend({ types, relationships }: { types: Map<string, number>; relationships: Map<string, number> }) {
  if (!types.size) return null;
  return (
    <div className="graph-legend" aria-label="Legend">
      {[...types.keys()].map((t) => (
        <span key={t} className="legend-item">
          <span className="swatch" style={{ background: TYPE_COLOURS[t] ?? '#6b7280' }} aria-hidden="true" /> {t}
        </span>
      ))}
      {[...relationships.keys()].map((t) => (
        <span key={t} className="legend-item">
          <span
            className={isTyped(t) ? 'edge-swatch' : 'edge-swatch dashed'}
            style={{ borderColor: RELATIONSHIP_COLOURS[t] ?? '#94a3b8' }}
            aria-hidden="true"
          />{' '}
          {t}
        </span>
      ))}
    </div>
  );
}

function Details({
  projectUuid,
  hovered,
  graphApi,
  onExpand,
}: {
  projectUuid: string;
  hovered: Hovered | null;
  graphApi: { graph: ReturnType<typeof createViewGraph>; names: Record<string, string> };
  onExpand: (id: string) => void;
}) {
  const { graph, names } = graphApi;
  if (!hovered) return <div className="graph-details panel muted">Hover a node or an edge to see it here.</div>;
  if (hovered.kind === 'node' && graph.hasNode(hovered.id)) {
    const a = graph.getNodeAttributes(hovered.id);
    return (
      <div className="graph-details panel" aria-label="Selected node">
        <h2>
          <TypeBadge type={a.entityType} /> {a.kind === 'document' ? <FileName name={a.label} /> : a.label}
        </h2>
        <p className="muted">
          {a.mentionCount !== null ? `${a.mentionCount} mentions · ` : ''}
          {graph.degree(hovered.id)} edges in view
        </p>
        <p className="actions">
          <Link to={a.kind === 'document' ? paths.document(projectUuid, hovered.id) : paths.entity(projectUuid, hovered.id)} className="button">
            {a.kind === 'document' ? 'Open the document' : 'Open the entity page'}
          </Link>{' '}
          {a.kind === 'entity' ? (
            <button type="button" className="secondary" onClick={() => onExpand(hovered.id)}>
              Expand
            </button>
          ) : null}
        </p>
      </div>
    );
  }
  if (hovered.kind === 'edge' && graph.hasEdge(hovered.id)) {
    const e = graph.getEdgeAttributes(hovered.id);
    const source = graph.getNodeAttribute(graph.source(hovered.id), 'label');
    const target = graph.getNodeAttribute(graph.target(hovered.id), 'label');
    const ev = e.evidence;
    const docName = ev ? (graph.hasNode(ev.documentUuid) ? graph.getNodeAttribute(ev.documentUuid, 'label') : names[ev.documentUuid]) : undefined;
    const roles = Array.isArray(e.properties.roles) ? (e.properties.roles as unknown[]).map(String) : [];
    return (
      <div className="graph-details panel" aria-label="Selected edge">
        <h2>
          <span className={isTyped(e.relType) ? 'rel typed' : 'rel'}>{e.relType}</span>
        </h2>
        <p>
          <strong>{source}</strong> → <strong>{target}</strong>
        </p>
        <p className="muted">
          weight {e.weight} · {e.documentCount} document{e.documentCount === 1 ? '' : 's'} · {e.evidenceCount} piece{e.evidenceCount === 1 ? '' : 's'}{' '}
          of evidence{roles.length ? ` · ${roles.join(', ')}` : ''}
        </p>
        {ev ? (
          <blockquote className="evidence">
            <p>{ev.snippet}</p>
            <footer>
              <Link to={paths.document(projectUuid, ev.documentUuid, ev.page ?? undefined)}>
                {docName ? <FileName name={docName} /> : 'The document'}
                {ev.page ? `, page ${ev.page}` : ''}
              </Link>
            </footer>
          </blockquote>
        ) : (
          <p className="muted">No evidence stored for this edge.</p>
        )}
      </div>
    );
  }
  return null;
}
