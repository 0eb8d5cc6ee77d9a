// ui/app/diagram.js - BPMN diagrams with bpmn-js (served from vendor/bpmn-js, copied from npm by
// scripts/build-ui.sh; the bpmn.io watermark stays visible, as its licence asks).
//
// bpmn-js's viewer and modeler bundles each define window.BpmnJS, so they are loaded one at a
// time, on first use, and each class is kept before the next bundle replaces the global.
import { h } from './dom.js';

const bundles = {};
let loading = Promise.resolve();

function loadBundle(name) {
  if (!bundles[name]) {
    bundles[name] = loading = loading.then(() => new Promise((resolve, reject) => {
      const script = h('script', { src: `vendor/bpmn-js/${name}.js` });
      script.addEventListener('load', () => resolve(window.BpmnJS));
      script.addEventListener('error', () => reject(new Error(`could not load ${name}.js`)));
      document.head.append(script);
    }));
  }
  return bundles[name];
}

// Marker classes (css/app.css colours them): done, active, failed, path (simulated).
export const MARKERS = ['ordo-done', 'ordo-active', 'ordo-failed', 'ordo-path', 'ordo-finding'];

// A read-only diagram of 'xml' in 'container' (pan and zoom with the mouse or keyboard).
// Returns {viewer, mark(markers), clear(), destroy()} where markers is {elementId: className}.
export async function showDiagram(container, xml, label = 'Process diagram') {
  const Viewer = await loadBundle('bpmn-navigated-viewer');
  container.classList.add('diagram');
  // A figure, not an image: bpmn-js puts a link (the bpmn.io watermark) inside it.
  container.setAttribute('role', 'figure');
  container.setAttribute('aria-label', label);
  const viewer = new Viewer({ container });
  await viewer.importXML(xml);
  viewer.get('canvas').zoom('fit-viewport', 'auto');
  return wrap(viewer);
}

// An editable diagram ('xml' or an empty process) in 'container'. Returns the same as
// showDiagram() plus xml() -> the edited XML.
export async function editDiagram(container, xml) {
  const Modeler = await loadBundle('bpmn-modeler');
  container.classList.add('diagram', 'editing');
  const modeler = new Modeler({ container });
  await modeler.importXML(xml);
  modeler.get('canvas').zoom('fit-viewport', 'auto');
  const out = wrap(modeler);
  out.xml = async () => (await modeler.saveXML({ format: true })).xml;
  return out;
}

function wrap(viewer) {
  const canvas = viewer.get('canvas');
  const registry = viewer.get('elementRegistry');
  let marked = [];
  const clear = () => {
    for (const [id, cls] of marked) canvas.removeMarker(id, cls);
    marked = [];
  };
  return {
    viewer,
    // Set markers {elementId: className}; ids not in the diagram are skipped.
    mark(markers) {
      clear();
      for (const [id, cls] of Object.entries(markers)) {
        if (registry.get(id)) {
          canvas.addMarker(id, cls);
          marked.push([id, cls]);
        }
      }
    },
    clear,
    // The sequence flows taken between 'left' (elements that finished) and 'entered' (elements
    // that started), both Sets of ids: runs record elements, not the flows between them.
    takenFlows(left, entered) {
      return registry.filter((el) => el.type === 'bpmn:SequenceFlow').map((flow) => flow.businessObject)
        .filter((bo) => bo.sourceRef && bo.targetRef && left.has(bo.sourceRef.id) && entered.has(bo.targetRef.id))
        .map((bo) => bo.id);
    },
    // Centre the view on one element (a lint finding's element, say).
    focus(id) {
      const el = registry.get(id);
      if (!el) return;
      canvas.scrollToElement ? canvas.scrollToElement(el) : canvas.zoom('fit-viewport', el);
    },
    destroy: () => viewer.destroy(),
  };
}
