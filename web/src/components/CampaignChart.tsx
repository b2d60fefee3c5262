// DEV-6: a campaign's progress as stacked bars (SVG, no library; sizes are attributes, colours
// classes: the CSP allows no inline styles). Each bar is drawn for the eye only: the numbers are
// beside it as text, so nothing is told by colour alone.
import { useTranslation } from "react-i18next";
import type { Campaign, CampaignCounts } from "../api/types";
import { BAR_STATES, barSegments } from "../lib/campaigns";
import { formatJst } from "../lib/time";
import "../styles/campaigns.css";

const WIDTH = 1000;

export function CampaignBar({ counts, small }: { counts: CampaignCounts; small?: boolean }) {
  return (
    <svg
      className={`campaign-bar${small ? " campaign-bar-sm" : ""}`}
      viewBox={`0 0 ${WIDTH} 10`}
      preserveAspectRatio="none"
      aria-hidden="true"
      focusable="false"
    >
      {barSegments(counts, WIDTH, small ? 8 : 4).map((s) => (
        <rect key={s.state} className={`seg-${s.state}`} x={s.x} y={0} width={s.width} height={10} />
      ))}
    </svg>
  );
}

// The states' colours and names.
export function CampaignLegend() {
  const { t } = useTranslation();
  return (
    <ul className="campaign-legend" aria-label={t("campaigns.chart.legend")}>
      {BAR_STATES.map((s) => (
        <li key={s}>
          <svg width="12" height="12" viewBox="0 0 12 12" aria-hidden="true" focusable="false">
            <rect className={`seg-${s}`} x="0" y="0" width="12" height="12" rx="2" />
          </svg>
          {t(`campaigns.deviceStates.${s}`)}
        </li>
      ))}
    </ul>
  );
}

// The numbers of a bar as text: 「完了 3」「失敗 1」… (the states with devices; all when none has).
export function CountsText({ counts }: { counts: CampaignCounts }) {
  const { t } = useTranslation();
  const shown = BAR_STATES.filter((s) => counts[s] > 0);
  return (
    <ul className="campaign-numbers">
      {(shown.length > 0 ? shown : (["pending"] as const)).map((s) => (
        <li key={s}>{t("campaigns.chart.stateCount", { state: t(`campaigns.deviceStates.${s}`), count: counts[s] })}</li>
      ))}
    </ul>
  );
}

// A bar per wave, with its size, its numbers, and when it started and ended (JST).
export function WaveChart({ campaign }: { campaign: Campaign }) {
  const { t } = useTranslation();
  return (
    <div className="stack">
      <CampaignLegend />
      <ol className="campaign-waves" aria-label={t("campaigns.chart.title")}>
        {campaign.waves.map((w) => {
          const current = w.wave === campaign.current_wave && (campaign.state === "running" || campaign.state === "paused");
          return (
            <li key={w.wave} className={current ? "campaign-wave-current" : undefined} aria-current={current ? "step" : undefined}>
              <div className="campaign-wave-head">
                <span className="campaign-wave-title">{t("campaigns.chart.wave", { wave: w.wave, count: w.size })}</span>
                <span className="cell-sub">
                  {w.started_at
                    ? t("campaigns.chart.times", { from: formatJst(w.started_at, false), to: w.ended_at ? formatJst(w.ended_at, false) : "…" })
                    : t("campaigns.chart.notStarted")}
                </span>
              </div>
              <CampaignBar counts={w.counts} />
              <CountsText counts={w.counts} />
            </li>
          );
        })}
      </ol>
    </div>
  );
}
