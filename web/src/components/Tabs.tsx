// Tabs as WAI-ARIA's tabs pattern: one tab stop (the selected tab; roving tabindex), Left and
// Right move and select (wrapping around), Home and End go to the first and last tab. The
// panel is the caller's: `<div role="tabpanel" {...tabPanelProps(id)}>`.
import { useRef } from "react";
import { tabKeyTarget } from "../lib/keyboard";

export interface TabItem<T extends string> {
  id: T;
  label: string;
}

export function Tabs<T extends string>({
  label,
  tabs,
  selected,
  onSelect,
}: {
  label: string;
  tabs: ReadonlyArray<TabItem<T>>;
  selected: T;
  onSelect: (id: T) => void;
}) {
  const refs = useRef(new Map<string, HTMLButtonElement>());
  return (
    <div className="tabs" role="tablist" aria-label={label}>
      {tabs.map((tab, index) => (
        <button
          key={tab.id}
          ref={(el) => {
            if (el) refs.current.set(tab.id, el);
            else refs.current.delete(tab.id);
          }}
          type="button"
          role="tab"
          id={`tab-${tab.id}`}
          aria-selected={selected === tab.id}
          aria-controls={selected === tab.id ? `panel-${tab.id}` : undefined}
          tabIndex={selected === tab.id ? 0 : -1}
          className="tab"
          onClick={() => onSelect(tab.id)}
          onKeyDown={(e) => {
            const target = tabKeyTarget(e.key, index, tabs.length);
            const next = target === null ? undefined : tabs[target];
            if (!next) return;
            e.preventDefault();
            onSelect(next.id);
            refs.current.get(next.id)?.focus();
          }}
        >
          {tab.label}
        </button>
      ))}
    </div>
  );
}

// The attributes of the selected tab's panel.
export function tabPanelProps(id: string) {
  return { id: `panel-${id}`, "aria-labelledby": `tab-${id}`, tabIndex: 0 } as const;
}
