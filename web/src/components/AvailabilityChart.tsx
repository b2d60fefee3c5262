// OPS-3: monthly availability against the objective as a bar chart (SVG, no library): a bar per
// month from the chart's floor (lib/serviceNotices availabilityScale) up to its value, the
// objective as a dashed line, a month without measurements as a dash. The chart is an image with
// a summary for screen readers; the numbers are in the table each screen shows with it.
// Colours come from classes (the CSP allows no inline styles).
import { useId } from "react";
import { useTranslation } from "react-i18next";
import { availabilityScale, DEFAULT_OBJECTIVE, formatPercent } from "../lib/serviceNotices";

export interface MonthValue {
  month: string; // "YYYY-MM" (JST)
  availability: number | null;
  met: boolean;
}

const WIDTH = 720;
const HEIGHT = 240;
const LEFT = 64;
const RIGHT = 12;
const TOP = 14;
const BOTTOM = 40;

// "3月" / "Mar"; the year under the first month and each January.
function useMonthLabel() {
  const { i18n } = useTranslation();
  return (month: string) => {
    const m = Number(month.slice(5, 7));
    if (i18n.language === "en") return new Date(Date.UTC(2000, m - 1, 1)).toLocaleString("en", { month: "short", timeZone: "UTC" });
    return `${m}月`;
  };
}

export function AvailabilityChart({ months, objective = DEFAULT_OBJECTIVE, title }: { months: readonly MonthValue[]; objective?: number; title: string }) {
  const { t } = useTranslation();
  const id = useId();
  const label = useMonthLabel();
  const scale = availabilityScale(
    months.map((m) => m.availability),
    objective,
  );
  const plotW = WIDTH - LEFT - RIGHT;
  const plotH = HEIGHT - TOP - BOTTOM;
  const y = (ratio: number) => TOP + plotH * (1 - scale.position(ratio));
  const slot = plotW / Math.max(1, months.length);
  const barW = Math.min(40, slot * 0.62);
  const measured = months.filter((m) => m.availability !== null);
  const summary = t("availability.chartSummary", {
    months: months.length,
    measured: measured.length,
    met: measured.filter((m) => m.met).length,
    objective: formatPercent(objective, 1),
  });

  return (
    <figure className="availability-chart">
      <svg viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-labelledby={`${id}-title ${id}-desc`} preserveAspectRatio="xMidYMid meet">
        <title id={`${id}-title`}>{title}</title>
        <desc id={`${id}-desc`}>{summary}</desc>
        {scale.ticks.map((tick) => (
          <g key={tick} className={tick === objective ? "chart-objective" : "chart-grid"}>
            <line x1={LEFT} x2={WIDTH - RIGHT} y1={y(tick)} y2={y(tick)} />
            <text x={LEFT - 8} y={y(tick) + 4} textAnchor="end">
              {formatPercent(tick, 1)}
            </text>
          </g>
        ))}
        {months.map((m, i) => {
          const cx = LEFT + slot * i + slot / 2;
          const showYear = i === 0 || m.month.endsWith("-01");
          const text = `${m.month}: ${m.availability === null ? t("availability.noData") : formatPercent(m.availability)}`;
          return (
            <g key={m.month}>
              {m.availability === null ? (
                <text className="chart-none" x={cx} y={TOP + plotH - 6} textAnchor="middle">
                  <title>{text}</title>—
                </text>
              ) : (
                <rect
                  className={m.met ? "chart-bar chart-bar-met" : "chart-bar chart-bar-missed"}
                  x={cx - barW / 2}
                  width={barW}
                  y={y(m.availability)}
                  height={Math.max(1, TOP + plotH - y(m.availability))}
                  rx={2}
                >
                  <title>{text}</title>
                </rect>
              )}
              <text className="chart-label" x={cx} y={HEIGHT - BOTTOM + 16} textAnchor="middle">
                {label(m.month)}
              </text>
              {showYear ? (
                <text className="chart-label chart-year" x={cx} y={HEIGHT - BOTTOM + 31} textAnchor="middle">
                  {m.month.slice(0, 4)}
                </text>
              ) : null}
            </g>
          );
        })}
        <line className="chart-axis" x1={LEFT} x2={WIDTH - RIGHT} y1={TOP + plotH} y2={TOP + plotH} />
      </svg>
      <figcaption className="chart-legend">
        <span className="legend-item">
          <span className="legend-swatch legend-met" aria-hidden="true" />
          {t("availability.legendMet")}
        </span>
        <span className="legend-item">
          <span className="legend-swatch legend-missed" aria-hidden="true" />
          {t("availability.legendMissed")}
        </span>
        <span className="legend-item">
          <span className="legend-line" aria-hidden="true" />
          {t("availability.legendObjective", { objective: formatPercent(objective, 1) })}
        </span>
        {scale.floor > 0 ? <span className="legend-item muted">{t("availability.legendFloor", { floor: formatPercent(scale.floor, 1) })}</span> : null}
      </figcaption>
    </figure>
  );
}
