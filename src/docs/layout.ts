import dagre from '@dagrejs/dagre';
import { NODE_HEIGHT } from './app/data.js';

/** Node positions (centres, px), edge routes and the drawing's size. */
export interface GraphLayout {
  positions: Map<string, { x: number; y: number }>;
  /** Points each edge passes through, by `parent\u0000child` (dagre routes edges around nodes). */
  routes: Map<string, { x: number; y: number }[]>;
  width: number;
  height: number;
}

/**
 * Lays a DAG out left to right in layers (sources and seeds first, marts last) with dagre's
 * Sugiyama-style layout.
 * @param nodes unique ids
 * @param edges `[parent, child]` pairs between those ids
 * @param nodeWidth width of every box, px
 */
export function layoutGraph(nodes: string[], edges: [string, string][], nodeWidth: number): GraphLayout {
  const graph = new dagre.graphlib.Graph();
  graph.setGraph({ rankdir: 'LR', nodesep: 14, ranksep: 70, marginx: 20, marginy: 20 });
  graph.setDefaultEdgeLabel(() => ({}));
  for (const id of nodes) graph.setNode(id, { width: nodeWidth, height: NODE_HEIGHT });
  for (const [from, to] of edges) graph.setEdge(from, to);
  dagre.layout(graph);
  const positions = new Map<string, { x: number; y: number }>();
  for (const id of nodes) {
    const node = graph.node(id);
    positions.set(id, { x: Math.round(node.x), y: Math.round(node.y) });
  }
  const routes = new Map<string, { x: number; y: number }[]>();
  for (const edge of graph.edges() as { v: string; w: string }[]) routes.set(`${edge.v}\u0000${edge.w}`, (graph.edge(edge) as { points: { x: number; y: number }[] }).points.map((p) => ({ x: Math.round(p.x), y: Math.round(p.y) })));
  const size = graph.graph();
  return { positions, routes, width: Math.ceil(size.width ?? 0), height: Math.ceil(size.height ?? 0) };
}
