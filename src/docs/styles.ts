/** The docs site's own CSS, inlined into index.html (no external files, works from file://). */
export const SITE_CSS = `
:root { --source: #2f9e44; --seed: #8a7b1c; --model: #1c64b4; --snapshot: #7b3fb4; --test: #555; --exposure: #c2410c; --bg: #f7f8fa; --line: #d5d9e0; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: #1d232c; background: var(--bg); }
header { display: flex; align-items: center; gap: 24px; padding: 8px 20px; background: #1d232c; color: #fff; position: sticky; top: 0; z-index: 5; }
header h1 { font-size: 16px; margin: 0; font-weight: 600; }
header nav a { color: #cfd6e0; margin-right: 16px; text-decoration: none; }
header nav a:hover { color: #fff; }
.search { position: relative; margin-left: auto; }
.search input { width: 320px; padding: 6px 10px; border-radius: 6px; border: 0; }
.search-results { position: absolute; right: 0; top: 34px; width: 420px; max-height: 60vh; overflow: auto; margin: 0; padding: 0; list-style: none; background: #fff; color: #1d232c; box-shadow: 0 6px 20px rgba(0,0,0,.2); border-radius: 6px; }
.search-results li { display: flex; gap: 8px; align-items: center; padding: 6px 10px; border-bottom: 1px solid #eee; }
.search-results li a { flex: 1; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.search-results li .where { font-size: 12px; white-space: nowrap; }
.search-results li.active { background: #e7f0fb; }
.layout { display: flex; align-items: stretch; min-height: calc(100vh - 48px); }
.sidebar { width: 280px; flex: none; background: #fff; border-right: 1px solid var(--line); padding: 10px 8px 24px; overflow: auto; position: sticky; top: 48px; height: calc(100vh - 48px); font-size: 13px; }
.sidebar .home { display: block; padding: 4px 6px; font-weight: 600; text-decoration: none; }
.sidebar .tabs { display: flex; gap: 4px; margin: 8px 0; }
.sidebar .tab { flex: 1; padding: 4px; border: 1px solid var(--line); background: #f1f3f5; border-radius: 6px; cursor: pointer; font: inherit; }
.sidebar .tab.active { background: #1d232c; color: #fff; border-color: #1d232c; }
.sidebar ul { list-style: none; margin: 0; padding-left: 14px; }
.sidebar details > summary { cursor: pointer; padding: 2px 4px; font-weight: 500; }
.sidebar > .tree > details > summary, .sidebar > details > summary { font-weight: 600; text-transform: none; }
.sidebar a.tree-leaf { display: block; padding: 1px 6px; border-radius: 4px; text-decoration: none; color: #1d232c; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.sidebar a.tree-leaf:hover { background: #f1f3f5; }
.sidebar a.tree-leaf.current { background: #e7f0fb; color: #1c64b4; font-weight: 600; }
.sidebar a.tree-leaf::before { content: ""; display: inline-block; width: 8px; height: 8px; border-radius: 2px; margin-right: 6px; background: var(--test); }
.sidebar a.type-source::before { background: var(--source); } .sidebar a.type-seed::before { background: var(--seed); } .sidebar a.type-model::before { background: var(--model); } .sidebar a.type-snapshot::before { background: var(--snapshot); } .sidebar a.type-exposure::before { background: var(--exposure); }
main { padding: 16px 24px; flex: 1; min-width: 0; }
.markdown > :first-child { margin-top: 0; } .markdown > :last-child { margin-bottom: 0; }
.markdown.description { margin: 8px 0 12px; max-width: 900px; }
.markdown code { background: #eef1f4; padding: 0 4px; border-radius: 3px; font-size: 12px; }
.markdown pre code { display: block; padding: 8px; overflow: auto; }
.markdown table { border-collapse: collapse; } .markdown th, .markdown td { border: 1px solid var(--line); padding: 3px 8px; }
.column-description p { margin: 0; }
.scroll-x { overflow-x: auto; max-width: 100%; }
table.preview td, table.profile td { font-family: ui-monospace, monospace; font-size: 12px; max-width: 260px; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
table.profile td.num { text-align: right; }
td.null { color: #9aa3ae; font-style: italic; }
table.meta pre.message { white-space: pre-wrap; margin: 0; font-size: 12px; max-height: 320px; overflow: auto; }
.unit-test-page h4 { margin: 14px 0 4px; font-weight: 500; }
td.constraints { font-family: ui-monospace, monospace; font-size: 12px; }
.chip.type-exposure, .card.type-exposure { background: var(--exposure); }
.card.status-not-run { background: #868e96; }
a { color: #1c64b4; }
.page { max-width: 1200px; }
.muted { color: #6b7480; }
.notice { background: #fff6db; border: 1px solid #f0d77a; padding: 8px 12px; border-radius: 6px; }
.chip { display: inline-block; padding: 1px 8px; border-radius: 10px; color: #fff; font-size: 12px; margin-left: 6px; background: var(--test); }
.chip.type-source, .card.type-source { background: var(--source); }
.chip.type-seed, .card.type-seed { background: var(--seed); }
.chip.type-model, .card.type-model { background: var(--model); }
.chip.type-snapshot, .card.type-snapshot { background: var(--snapshot); }
.cards { display: flex; gap: 12px; flex-wrap: wrap; }
.card { min-width: 120px; padding: 12px 16px; border-radius: 8px; color: #fff; background: var(--test); display: flex; flex-direction: column; }
.card strong { font-size: 24px; }
.card.status-pass { background: #2f9e44; } .card.status-warn { background: #c28a00; } .card.status-fail, .card.status-error { background: #c92a2a; } .card.status-skipped { background: #868e96; }
.status { padding: 0 6px; border-radius: 4px; font-size: 12px; background: #dee2e6; }
.status-pass, .status-success { background: #d3f9d8; } .status-warn { background: #fff3bf; } .status-fail, .status-error { background: #ffc9c9; } .status-skipped { background: #e9ecef; }
.tests .test { display: inline-block; margin: 1px 4px 1px 0; padding: 0 6px; border-radius: 4px; font-size: 12px; background: #e9ecef; }
table { border-collapse: collapse; background: #fff; }
table.meta th { text-align: left; padding: 3px 16px 3px 0; color: #6b7480; font-weight: 500; }
table.columns { width: 100%; margin-bottom: 12px; }
table.columns th, table.columns td { border-bottom: 1px solid var(--line); padding: 5px 8px; text-align: left; vertical-align: top; }
table.columns td.type { font-family: ui-monospace, monospace; font-size: 12px; }
.two-col { display: flex; gap: 48px; }
ul.links { padding-left: 18px; }
.tag { display: inline-block; margin: 0 8px 2px 0; font-family: ui-monospace, monospace; font-size: 12px; }
.button { display: inline-block; padding: 4px 10px; border: 1px solid var(--line); border-radius: 6px; background: #fff; text-decoration: none; }
details.sql { margin: 12px 0; background: #fff; border: 1px solid var(--line); border-radius: 6px; }
details.sql summary { padding: 6px 10px; cursor: pointer; }
details.sql pre { margin: 0; overflow: auto; max-height: 480px; }
.toolbar { display: flex; align-items: center; gap: 16px; margin-bottom: 8px; flex-wrap: wrap; }
.toolbar input[type=number] { width: 52px; }
.toolbar input[type=search] { width: 260px; padding: 4px 8px; }
.legend .chip { margin-left: 4px; }
.graph-container { height: calc(100vh - 150px); min-height: 300px; background: #fff; border: 1px solid var(--line); border-radius: 8px; overflow: hidden; }
.column-graph { height: 420px; max-height: 70vh; background: #fff; border: 1px solid var(--line); border-radius: 8px; overflow: hidden; }
svg.graph { width: 100%; height: 100%; cursor: grab; display: block; }
svg.graph .edge { fill: none; stroke: #8a939e; stroke-width: 1.4; }
svg.graph .arrowhead { fill: #6b7480; }
svg.graph g.node:focus { outline: none; } svg.graph g.node:focus rect { stroke-width: 4; stroke-dasharray: 4 2; }
svg.graph .edge.t-renamed { stroke: #1c64b4; }
svg.graph .edge.t-transformed { stroke: #c2410c; stroke-dasharray: 6 3; }
svg.graph .edge.t-join-key { stroke: #9aa3ae; stroke-dasharray: 2 3; }
svg.graph g.node { cursor: pointer; }
svg.graph g.node rect { fill: #fff; stroke-width: 2; }
svg.graph g.node text { font-size: 12px; fill: #1d232c; }
svg.graph g.node text.sub { font-size: 11px; fill: #5c6570; }
.column-graph svg.graph g.node text { font-size: 14px; }
.column-graph svg.graph g.node text.sub { font-size: 13.5px; }
@media (max-width: 1000px) { .sidebar { width: 200px; } .search input { width: 220px; } }
svg.graph g.node.type-source rect { stroke: var(--source); fill: #ebfbee; }
svg.graph g.node.type-seed rect { stroke: var(--seed); fill: #fbf7e1; }
svg.graph g.node.type-model rect { stroke: var(--model); fill: #e7f0fb; }
svg.graph g.node.type-snapshot rect { stroke: var(--snapshot); fill: #f3ebfb; }
svg.graph g.node.focused rect { stroke-width: 4; }
svg.graph g.node.match rect { fill: #ffe066; }
.edge-key { display: inline-block; margin-right: 16px; padding-left: 28px; position: relative; font-size: 12px; }
.edge-key::before { content: ""; position: absolute; left: 0; top: 50%; width: 22px; border-top: 2px solid #9aa3ae; }
.edge-key.t-renamed::before { border-color: #1c64b4; } .edge-key.t-transformed::before { border-top: 2px dashed #c2410c; } .edge-key.t-join-key::before { border-top: 2px dotted #9aa3ae; }
`;
