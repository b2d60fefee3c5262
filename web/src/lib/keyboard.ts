// Keyboard patterns of WAI-ARIA's Authoring Practices, as pure functions the components call
// from their key handlers (and the tests call directly): tabs and a tree view.

// Tabs (https://www.w3.org/WAI/ARIA/apg/patterns/tabs/): Left and Right move to the previous
// and next tab, wrapping around; Home and End to the first and last. The index of the tab to
// move to, or null for a key the pattern does not use.
export function tabKeyTarget(key: string, index: number, count: number): number | null {
  if (count <= 0) return null;
  switch (key) {
    case "ArrowRight":
      return (index + 1) % count;
    case "ArrowLeft":
      return (index - 1 + count) % count;
    case "Home":
      return 0;
    case "End":
      return count - 1;
    default:
      return null;
  }
}

// A node of a tree view as shown: its key, its parent's (null at the top), whether it has
// children and whether they are shown. The list is in the order shown (depth first).
export interface ShownNode {
  key: string;
  parent: string | null;
  hasChildren: boolean;
  expanded: boolean;
}

// What a key does in a tree view (https://www.w3.org/WAI/ARIA/apg/patterns/treeview/): the node
// to move focus to, and a node to expand or collapse. Null for a key the pattern does not use.
export type TreeKeyResult = { focus?: string; expand?: string; collapse?: string };

export function treeKeyTarget(key: string, nodes: readonly ShownNode[], current: string): TreeKeyResult | null {
  const i = nodes.findIndex((n) => n.key === current);
  const node = nodes[i];
  if (!node) return nodes[0] && ["ArrowDown", "ArrowUp", "Home", "End"].includes(key) ? { focus: nodes[0].key } : null;
  switch (key) {
    case "ArrowDown":
      return { focus: (nodes[i + 1] ?? node).key };
    case "ArrowUp":
      return { focus: (nodes[i - 1] ?? node).key };
    case "Home":
      return { focus: nodes[0]?.key ?? node.key };
    case "End":
      return { focus: nodes[nodes.length - 1]?.key ?? node.key };
    case "ArrowRight":
      // A closed node opens; an open one moves to its first child; an end node does nothing.
      if (!node.hasChildren) return {};
      if (!node.expanded) return { expand: node.key };
      return { focus: nodes[i + 1]?.parent === node.key ? nodes[i + 1]!.key : node.key };
    case "ArrowLeft":
      // An open node closes; otherwise focus moves to the parent (a closed top node stays).
      if (node.hasChildren && node.expanded) return { collapse: node.key };
      return node.parent !== null ? { focus: node.parent } : {};
    default:
      return null;
  }
}
