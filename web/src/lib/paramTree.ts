// The device's parameter tree as last reported, for browsing: objects (paths ending in '.')
// as nodes, parameters as leaves of their object.
import type { Parameter } from "../api/types";

export interface TreeNode {
  path: string; // "Device.WiFi.SSID.1."
  name: string; // "1"
  children: TreeNode[];
  parameterCount: number; // parameters directly under this object
}

export function parentObject(path: string): string {
  const trimmed = path.endsWith(".") ? path.slice(0, -1) : path;
  const i = trimmed.lastIndexOf(".");
  return i < 0 ? "" : trimmed.slice(0, i + 1);
}

// Every object path of the parameters (and their ancestors), as a tree of roots.
export function buildTree(params: Parameter[]): TreeNode[] {
  const nodes = new Map<string, TreeNode>();
  const ensure = (path: string): TreeNode => {
    let node = nodes.get(path);
    if (node) return node;
    const name = path.slice(0, -1).split(".").pop() ?? path;
    node = { path, name, children: [], parameterCount: 0 };
    nodes.set(path, node);
    const parent = parentObject(path);
    if (parent) ensure(parent).children.push(node);
    return node;
  };
  for (const p of params) {
    if (p.path.endsWith(".")) ensure(p.path);
    else {
      const parent = parentObject(p.path);
      if (parent) ensure(parent).parameterCount++;
    }
  }
  const byName = (a: TreeNode, b: TreeNode) => {
    const na = Number(a.name);
    const nb = Number(b.name);
    if (!Number.isNaN(na) && !Number.isNaN(nb)) return na - nb;
    return a.name.localeCompare(b.name);
  };
  for (const n of nodes.values()) n.children.sort(byName);
  return [...nodes.values()].filter((n) => parentObject(n.path) === "").sort(byName);
}

// The parameters directly under an object (not in its sub-objects).
export function parametersOf(params: Parameter[], object: string): Parameter[] {
  return params.filter((p) => !p.path.endsWith(".") && parentObject(p.path) === object);
}

// Parameters whose path or value contains the text (case-insensitive).
export function searchParameters(params: Parameter[], text: string, limit = 500): Parameter[] {
  const needle = text.trim().toLowerCase();
  if (!needle) return [];
  const out: Parameter[] = [];
  for (const p of params) {
    if (p.path.endsWith(".")) continue;
    if (p.path.toLowerCase().includes(needle) || p.value.toLowerCase().includes(needle)) {
      out.push(p);
      if (out.length >= limit) break;
    }
  }
  return out;
}
