// The webview's page: a strict CSP with a nonce, the bundled script and stylesheet, and a static
// skeleton the script fills with textContent only.
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';

export function viewerHtml(webview: vscode.Webview, distWebview: vscode.Uri): string {
  const nonce = randomBytes(16).toString('base64');
  const script = webview.asWebviewUri(vscode.Uri.joinPath(distWebview, 'traceViewer.js'));
  const style = webview.asWebviewUri(vscode.Uri.joinPath(distWebview, 'traceViewer.css'));
  const csp = [`default-src 'none'`, `script-src 'nonce-${nonce}'`, `style-src ${webview.cspSource}`, `img-src ${webview.cspSource} data:`, `font-src ${webview.cspSource}`].join('; ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${style.toString()}">
<title>Xen trace</title>
</head>
<body>
<div class="toolbar">
  <span id="file-name"></span>
  <span class="group"><label for="order">order</label><select id="order"><option value="file">file</option><option value="time">time (merged CPUs)</option></select></span>
  <span class="group"><select id="jump-kind" aria-label="jump to"><option value="record">record #</option><option value="tsc">TSC</option><option value="time">time µs</option></select><input id="jump" class="wide" placeholder="jump to…"><button id="jump-go" class="secondary">Go</button></span>
  <span class="group"><label for="tsc-hz">TSC</label><input id="tsc-hz" class="narrow" placeholder="Hz"></span>
  <button id="show-stats" class="secondary">Statistics</button>
  <button id="export-text" class="secondary" title="Export the selected records as text">Export</button>
  <button id="copy-json" class="secondary" title="Copy the selected records as JSON">Copy JSON</button>
</div>
<div class="toolbar filters">
  <span class="group"><label for="f-cpu">CPU</label><input id="f-cpu" class="narrow" placeholder="0,2-3"></span>
  <span class="group"><label for="f-class">class</label><input id="f-class" class="narrow" placeholder="hvm"></span>
  <span class="group"><label for="f-event">event</label><input id="f-event" class="wide" placeholder="TRC_SCHED_SWITCH, 0x0002800a"></span>
  <span class="group"><label for="f-dom">dom</label><input id="f-dom" class="narrow" placeholder="0, idle"></span>
  <span class="group"><label for="f-vcpu">vCPU</label><input id="f-vcpu" class="narrow"></span>
  <span class="group"><label for="f-text">text</label><input id="f-text" class="wide" placeholder="in decoded fields"></span>
  <button id="filter-apply">Filter</button>
  <button id="filter-cancel" class="secondary">Cancel</button>
  <button id="filter-clear" class="secondary">Clear</button>
  <span class="group"><input type="checkbox" id="only-matches" checked><label for="only-matches">only matches</label></span>
  <button id="match-prev" class="secondary" title="Previous match (Shift+F3)">◀</button>
  <button id="match-next" class="secondary" title="Next match (F3)">▶</button>
  <span id="filter-status"></span>
</div>
<div class="statusline"><div id="progress" hidden><div id="progress-fill"></div></div><span id="status">opening…</span><span id="problems"></span></div>
<canvas id="density" height="6" title="Events per CPU over time: click to jump, wheel to zoom, double-click to reset"></canvas>
<div class="main">
  <div id="table" tabindex="0" role="grid" aria-label="trace records">
    <div class="grid">
      <div class="row header"><span class="c c-num">#</span><span class="c c-cpu">CPU</span><span class="c c-tsc">TSC</span><span class="c c-time">time µs</span><span class="c c-delta">Δ</span><span class="c c-dom">dom:vcpu</span><span class="c c-event">event</span><span class="c c-fields">fields</span></div>
      <div id="rows"></div>
    </div>
    <div id="scrollbar"><div id="thumb"></div></div>
  </div>
  <div id="detail" aria-label="record detail"></div>
</div>
<div id="stats" hidden></div>
<div id="message" hidden></div>
<script nonce="${nonce}" src="${script.toString()}"></script>
</body>
</html>`;
}
