// A device's parameter tree as WAI-ARIA's tree view: one tab stop (the selected object; roving
// tabindex), Up and Down move through the shown objects, Right opens an object or moves into it,
// Left closes it or moves to its parent, Home and End go to the first and last. The selection
// follows the focus (the table beside shows the object's parameters); a click selects, and opens
// or closes.
import { useRef, useState, type KeyboardEvent } from "react";
import { useTranslation } from "react-i18next";
import { treeKeyTarget, type ShownNode } from "../lib/keyboard";
import type { TreeNode } from "../lib/paramTree";
import { Icon } from "./Icon";

export function ParameterTree({ nodes, selected, onSelect }: { nodes: TreeNode[]; selected: string; onSelect: (path: string) => void }) {
  const { t } = useTranslation();
  const [open, setOpen] = useState<Record<string, boolean>>({});
  const items = useRef(new Map<string, HTMLLIElement>());
  // Open: as the user left it, else the top level and the selected object's ancestors (not the
  // selected object itself: moving the focus onto an object does not open it).
  const isOpen = (n: TreeNode, depth: number) => open[n.path] ?? (depth < 1 || (selected !== n.path && selected.startsWith(n.path)));

  // The objects as shown, in order: one flat list whose hierarchy is aria-level (each item's
  // name is its own text, not its subtree's).
  const shown: Array<ShownNode & { node: TreeNode; level: number; pos: number; size: number }> = [];
  const walk = (list: TreeNode[], depth: number, parent: string | null) => {
    list.forEach((n, i) => {
      const expanded = n.children.length > 0 && isOpen(n, depth);
      shown.push({ key: n.path, parent, hasChildren: n.children.length > 0, expanded, node: n, level: depth + 1, pos: i + 1, size: list.length });
      if (expanded) walk(n.children, depth + 1, n.path);
    });
  };
  walk(nodes, 0, null);
  // The one tab stop: the selected object when it is shown, else the first.
  const tabStop = shown.some((n) => n.key === selected) ? selected : (shown[0]?.key ?? "");

  const onKeyDown = (e: KeyboardEvent) => {
    if (e.altKey || e.ctrlKey || e.metaKey) return;
    const move = treeKeyTarget(e.key, shown, tabStop);
    if (!move) return;
    e.preventDefault();
    if (move.expand) setOpen({ ...open, [move.expand]: true });
    if (move.collapse) setOpen({ ...open, [move.collapse]: false });
    if (move.focus) {
      onSelect(move.focus);
      items.current.get(move.focus)?.focus();
    }
  };

  return (
    <div className="tree">
      <ul role="tree" aria-label={t("device.parameters")} onKeyDown={onKeyDown}>
        {shown.map(({ node: n, expanded, level, pos, size }) => (
          <li
            key={n.path}
            ref={(el) => {
              if (el) items.current.set(n.path, el);
              else items.current.delete(n.path);
            }}
            role="treeitem"
            aria-level={level}
            aria-posinset={pos}
            aria-setsize={size}
            aria-expanded={n.children.length ? expanded : undefined}
            aria-selected={selected === n.path}
            tabIndex={tabStop === n.path ? 0 : -1}
            className="tree-node"
            data-path={n.path}
            onClick={() => {
              onSelect(n.path);
              if (n.children.length) setOpen({ ...open, [n.path]: !expanded || selected !== n.path });
            }}
          >
            <div className="tree-item" aria-current={selected === n.path ? "true" : undefined}>
              {n.children.length ? (
                <Icon name={expanded ? "chevronDown" : "chevronRight"} size={12} />
              ) : (
                <span className="tree-spacer" aria-hidden="true" />
              )}
              <span>{n.name}</span>
              {n.parameterCount ? (
                <span className="tree-count" aria-hidden="true">
                  {n.parameterCount}
                </span>
              ) : null}
            </div>
          </li>
        ))}
      </ul>
    </div>
  );
}
