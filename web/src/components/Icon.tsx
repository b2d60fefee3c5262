// Line icons (24 px grid, stroke), drawn inline as SVG so no icon font or stylesheet is needed.
const PATHS: Record<string, string> = {
  home: "M3 11l9-7 9 7v9a1 1 0 0 1-1 1h-5v-6h-6v6H4a1 1 0 0 1-1-1z",
  router: "M3 14h18v5H3zM7 16.5h.01M11 16.5h.01M8 10a6 6 0 0 1 8 0M5.5 7.5a10 10 0 0 1 13 0",
  group: "M4 5h7v6H4zM13 5h7v6h-7zM4 13h7v6H4zM13 13h7v6h-7z",
  profile: "M6 3h9l4 4v14H6zM14 3v5h5M9 12h7M9 16h7",
  firmware: "M4 6h16v12H4zM8 6V3M12 6V3M16 6V3M8 21v-3M12 21v-3M16 21v-3M9 10h6v4H9z",
  user: "M12 12a4 4 0 1 0 0-8 4 4 0 0 0 0 8zM4 21a8 8 0 0 1 16 0",
  shield: "M12 3l8 3v6c0 5-3.5 8-8 9-4.5-1-8-4-8-9V6zM9 12l2 2 4-4",
  history: "M3 12a9 9 0 1 0 3-6.7M3 4v5h5M12 7v5l3 3",
  building: "M4 21V4h10v17M14 9h6v12M8 8h2M8 12h2M8 16h2M17 13h1M17 17h1M3 21h18",
  lock: "M6 11h12v10H6zM8 11V8a4 4 0 0 1 8 0v3",
  block: "M12 21a9 9 0 1 0 0-18 9 9 0 0 0 0 18zM5.6 5.6l12.8 12.8",
  logout: "M15 4h4v16h-4M10 8l-4 4 4 4M6 12h10",
  globe: "M12 21a9 9 0 1 0 0-18 9 9 0 0 0 0 18zM3 12h18M12 3c2.5 2.5 3.5 5.5 3.5 9s-1 6.5-3.5 9c-2.5-2.5-3.5-5.5-3.5-9s1-6.5 3.5-9z",
  search: "M11 18a7 7 0 1 0 0-14 7 7 0 0 0 0 14zM20 20l-4-4",
  download: "M12 4v11M7 10l5 5 5-5M5 20h14",
  plus: "M12 5v14M5 12h14",
  refresh: "M20 12a8 8 0 1 1-2.3-5.6M20 4v5h-5",
  chevronRight: "M9 6l6 6-6 6",
  chevronDown: "M6 9l6 6 6-6",
  x: "M6 6l12 12M18 6L6 18",
  menu: "M4 7h16M4 12h16M4 17h16",
  power: "M12 3v8M6.3 6.3a8 8 0 1 0 11.4 0",
  alert: "M12 4l9 16H3zM12 10v4M12 17h.01",
  check: "M5 12l5 5 9-10",
  key: "M14 10a4 4 0 1 0-1.2 2.8L21 21M17 17l2-2M15 15l2-2",
  upload: "M12 20V9M7 14l5-5 5 5M5 4h14",
  edit: "M4 20h4L19 9l-4-4L4 16zM13 7l4 4",
  trash: "M4 7h16M9 7V4h6v3M6 7l1 13h10l1-13",
  tag: "M3 12V4h8l10 10-8 8zM7.5 8h.01",
  list: "M8 6h13M8 12h13M8 18h13M3 6h.01M3 12h.01M3 18h.01",
  allocate: "M3 4h8v6H3zM13 7h8M18 4l3 3-3 3M5 14h14v6H5zM8 17h.01M11 17h.01",
  clock: "M12 21a9 9 0 1 0 0-18 9 9 0 0 0 0 18zM12 7v5l3 2",
  play: "M7 5v14l11-7z",
  // DEV-6: pausing a campaign, and campaigns (waves of growing bars).
  pause: "M8 5v14M16 5v14",
  campaign: "M4 6h5M4 12h10M4 18h16",
  mail: "M3 6h18v12H3zM3 7l9 6 9-6",
  bell: "M6 16V11a6 6 0 0 1 12 0v5l2 2H4zM10 20a2 2 0 0 0 4 0",
  settings: "M4 6h9M17 6h3M15 4v4M4 12h3M11 12h9M9 10v4M4 18h11M19 18h1M17 16v4",
  webhook: "M9 7a3 3 0 1 1 4.5 2.6L16 14M7.5 20a3 3 0 1 1 1.5-5.6L12 9M18 20a3 3 0 1 1-3-3H9",
  link: "M14 4h6v6M20 4l-9 9M18 14v6H4V6h6",
  unlink: "M9 17H7a5 5 0 0 1 0-10h2M15 7h2a5 5 0 0 1 0 10h-2M8 3l1 2M16 21l-1-2M3 12h2M19 12h2",
  calendar: "M4 6h16v14H4zM4 10h16M8 3v5M16 3v5M8 14h.01M12 14h.01M16 14h.01M8 17h.01M12 17h.01",
  activity: "M3 12h4l3-8 4 16 3-8h4",
};

export function Icon({ name, size = 18, className }: { name: string; size?: number; className?: string }) {
  return (
    <svg
      className={className ? `icon ${className}` : "icon"}
      width={size}
      height={size}
      viewBox="0 0 24 24"
      fill="none"
      stroke="currentColor"
      strokeWidth={1.75}
      strokeLinecap="round"
      strokeLinejoin="round"
      aria-hidden="true"
      focusable="false"
    >
      <path d={PATHS[name] ?? ""} />
    </svg>
  );
}
