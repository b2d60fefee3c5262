// The frame around every screen after login: the sidebar (only what the account may use),
// the top bar with the company, the account, the language switch and log-out, and the banner
// of maintenance and incidents (issue 15).
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { NavLink, Outlet, useLocation, useNavigate } from "react-router-dom";
import { PATHS } from "../app/paths";
import { useAuthed, useSession } from "../auth/session";
import { visibleNav, type NavItem } from "../auth/permissions";
import { switchLanguage, type Language } from "../i18n";
import { CompanyIndicator } from "./CompanyIndicator";
import { Icon } from "./Icon";
import { NoticeBanner } from "./ServiceNotices";

export function LanguageSwitch() {
  const { t, i18n } = useTranslation();
  const current: Language = i18n.language === "en" ? "en" : "ja";
  return (
    <div className="lang-switch" role="group" aria-label={t("common.language")}>
      {(["ja", "en"] as const).map((lng) => (
        <button
          key={lng}
          type="button"
          className={current === lng ? "active" : undefined}
          aria-pressed={current === lng}
          lang={lng}
          onClick={() => switchLanguage(i18n, lng)}
        >
          {lng === "ja" ? "日本語" : "English"}
        </button>
      ))}
    </div>
  );
}

const SECTIONS: NavItem["section"][] = ["operate", "manage", "provider", "info"];

export function Layout() {
  const { t } = useTranslation();
  const session = useAuthed();
  const { logout } = useSession();
  const [navOpen, setNavOpen] = useState(false);
  const location = useLocation();
  const navigate = useNavigate();
  const items = visibleNav(session.permissions);
  const account = session.account;

  return (
    <div className={`shell${navOpen ? " nav-open" : ""}`}>
      <a className="skip-link" href="#main">
        {t("common.skipToContent")}
      </a>
      <aside className="sidebar" aria-label={t("nav.label")}>
        <div className="brand">
          <span className="brand-mark" aria-hidden="true">
            K
          </span>
          <span className="brand-name">Kanri</span>
          <span className="brand-sub">{account.kind === "site_admin" ? t("nav.providerConsole") : t("nav.console")}</span>
        </div>
        <nav>
          {SECTIONS.map((section) => {
            const sectionItems = items.filter((i) => i.section === section);
            if (sectionItems.length === 0) return null;
            return (
              <div className="nav-section" key={section}>
                <p className="nav-section-title" id={`nav-${section}`}>
                  {t(`nav.section.${section}`)}
                </p>
                <ul aria-labelledby={`nav-${section}`}>
                  {sectionItems.map((item) => (
                    <li key={item.path}>
                      <NavLink
                        to={PATHS[item.path]}
                        end={item.path === "home"}
                        className={({ isActive }) => (isActive ? "nav-link active" : "nav-link")}
                        onClick={() => setNavOpen(false)}
                      >
                        <Icon name={item.icon} />
                        <span>{t(item.labelKey)}</span>
                      </NavLink>
                    </li>
                  ))}
                </ul>
              </div>
            );
          })}
        </nav>
      </aside>
      <div className="main-column">
        <header className="topbar">
          <button
            type="button"
            className="icon-button nav-toggle"
            aria-label={t("nav.toggle")}
            aria-expanded={navOpen}
            onClick={() => setNavOpen((v) => !v)}
          >
            <Icon name="menu" />
          </button>
          <CompanyIndicator />
          <div className="topbar-spacer" />
          <LanguageSwitch />
          <NavLink
            to={PATHS.ownAccount}
            className={({ isActive }) => (isActive ? "account-chip active" : "account-chip")}
            title={`${t("nav.ownAccount")} (${account.email})`}
          >
            {/* The name is what it shows, after what it opens (WCAG 2.5.3: the visible text is in the name). */}
            <span className="sr-only">{t("nav.ownAccount")}: </span>
            <span className="avatar" aria-hidden="true">
              {(account.name || account.login).slice(0, 1)}
            </span>
            <span className="account-text">
              <span className="account-name">{account.name || account.login}</span>
              <span className="account-meta">
                {account.login} · {t(`accountKind.${account.kind}`)}
              </span>
            </span>
          </NavLink>
          <button type="button" className="btn btn-ghost" onClick={() => void logout().then(() => navigate(PATHS.login, { replace: true }))}>
            <Icon name="logout" size={16} />
            <span>{t("nav.logout")}</span>
          </button>
        </header>
        <NoticeBanner />
        <main id="main" className="content" tabIndex={-1} key={location.pathname}>
          <Outlet />
        </main>
      </div>
      {navOpen ? <div className="nav-backdrop" onClick={() => setNavOpen(false)} aria-hidden="true" /> : null}
    </div>
  );
}
