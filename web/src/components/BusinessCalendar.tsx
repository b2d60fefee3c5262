// OPS-1: the business-day calendar of the maintenance screen, a month at a time (six weeks from
// the Monday on or before its first day): Saturdays and Sundays, Japanese national holidays by
// name, the provider's closing days, today, and the day of the earliest start a planned window
// may have now (announced this moment, 3 business days ahead), and the days of the windows
// announced. The days are the server's calendar (GET /maintenance/calendar); the console
// computes no holiday.
import { useState } from "react";
import { useTranslation } from "react-i18next";
import type { MaintenanceWindow } from "../api/types";
import { calendarStart, calendarWeeks, CALENDAR_DAYS, dayKind, jstDateOf, jstToday, shiftMonth, windowDays } from "../lib/serviceNotices";
import { useMaintenanceCalendar } from "../resources/serviceNotices";
import { Button, Card, ErrorBanner, Spinner } from "./ui";

const WEEKDAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"] as const;

// "12-29..01-03" → "12/29 – 01/03".
function closedRange(range: string): string {
  return range
    .split("..")
    .map((d) => d.replace("-", "/"))
    .join(" – ");
}

export function BusinessCalendar({ windows = [] }: { windows?: ReadonlyArray<Pick<MaintenanceWindow, "id" | "starts_at" | "ends_at">> }) {
  const { t, i18n } = useTranslation();
  const today = jstToday();
  const [month, setMonth] = useState(today.slice(0, 7));
  const calendar = useMaintenanceCalendar(calendarStart(month), CALENDAR_DAYS);
  const c = calendar.data;
  const earliestDay = c ? jstDateOf(c.earliest_start_jst) : "";
  const maintenanceDays = new Set(windows.flatMap((w) => windowDays(w.starts_at, w.ends_at)));
  const [year, monthNumber] = month.split("-").map(Number) as [number, number];
  const monthTitle =
    i18n.language === "en"
      ? new Date(Date.UTC(year, monthNumber - 1, 1)).toLocaleString("en", { month: "long", year: "numeric", timeZone: "UTC" })
      : `${year}年${monthNumber}月`;

  return (
    <Card
      title={t("calendar.title")}
      actions={
        <div className="row calendar-nav">
          <Button className="btn-sm" variant="ghost" onClick={() => setMonth(shiftMonth(month, -1))} aria-label={t("calendar.previous")}>
            ‹
          </Button>
          <span className="calendar-month" aria-live="polite">
            {monthTitle}
          </span>
          <Button className="btn-sm" variant="ghost" onClick={() => setMonth(shiftMonth(month, 1))} aria-label={t("calendar.next")}>
            ›
          </Button>
          {month !== today.slice(0, 7) ? (
            <Button className="btn-sm" onClick={() => setMonth(today.slice(0, 7))}>
              {t("calendar.thisMonth")}
            </Button>
          ) : null}
        </div>
      }
    >
      <div className="stack-sm">
        <ErrorBanner error={calendar.error} />
        {c ? (
          <p className="calendar-earliest" data-testid="calendar-earliest">
            <strong>{t("calendar.earliest", { time: c.earliest_start_jst })}</strong>{" "}
            <span className="muted">{t("calendar.earliestWhy", { count: c.notice_business_days })}</span>
          </p>
        ) : null}
        {calendar.isLoading ? <Spinner /> : null}
        {c ? (
          <table className="calendar">
            <caption className="sr-only">{t("calendar.caption", { month: monthTitle })}</caption>
            <thead>
              <tr>
                {WEEKDAYS.map((d) => (
                  <th key={d} scope="col" className={d === "sat" || d === "sun" ? "calendar-weekend-head" : undefined}>
                    <abbr title={t(`calendar.weekdays.${d}`)}>{t(`calendar.weekdaysShort.${d}`)}</abbr>
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {calendarWeeks(c.days).map((week) => (
                <tr key={week[0]?.date}>
                  {week.map((d) => {
                    const kind = dayKind(d);
                    const classes = [
                      "calendar-day",
                      `calendar-${kind}`,
                      d.date.slice(0, 7) === month ? "" : "calendar-outside",
                      d.date === today ? "calendar-today" : "",
                      d.date === earliestDay ? "calendar-earliest-day" : "",
                    ]
                      .filter(Boolean)
                      .join(" ");
                    return (
                      <td key={d.date} className={classes} data-date={d.date}>
                        <span className="calendar-number">{Number(d.date.slice(8, 10))}</span>
                        <span className="sr-only">{d.date}</span>
                        {d.holiday ? (
                          <span className="calendar-note">{i18n.language === "en" ? (d.holiday_en ?? d.holiday) : d.holiday}</span>
                        ) : null}
                        {kind === "closed" ? <span className="calendar-note">{t("calendar.closed")}</span> : null}
                        {kind === "business" ? <span className="sr-only">{t("calendar.businessDay")}</span> : null}
                        {kind === "weekend" ? <span className="sr-only">{t("calendar.weekend")}</span> : null}
                        {d.date === today ? <span className="calendar-tag">{t("calendar.today")}</span> : null}
                        {d.date === earliestDay ? <span className="calendar-tag calendar-tag-earliest">{t("calendar.earliestTag")}</span> : null}
                        {maintenanceDays.has(d.date) ? <span className="calendar-tag calendar-tag-maintenance">{t("calendar.maintenanceTag")}</span> : null}
                      </td>
                    );
                  })}
                </tr>
              ))}
            </tbody>
          </table>
        ) : null}
        {c ? (
          <div className="chart-legend">
            <span className="legend-item">
              <span className="legend-swatch calendar-business" aria-hidden="true" />
              {t("calendar.businessDay")}
            </span>
            <span className="legend-item">
              <span className="legend-swatch calendar-weekend" aria-hidden="true" />
              {t("calendar.weekend")}
            </span>
            <span className="legend-item">
              <span className="legend-swatch calendar-holiday" aria-hidden="true" />
              {t("calendar.holiday")}
            </span>
            <span className="legend-item">
              <span className="legend-swatch calendar-closed" aria-hidden="true" />
              {c.closed_days.length > 0 ? t("calendar.closedDays", { ranges: c.closed_days.map(closedRange).join(", ") }) : t("calendar.closed")}
            </span>
          </div>
        ) : null}
      </div>
    </Card>
  );
}
