// Routes of the console. Every path here is in paths.ts, so the server serves index.html
// for it; a screen the account's permissions do not allow shows a notice instead.
import { useEffect, type ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { Navigate, Route, Routes, useLocation } from "react-router-dom";
import { screenPermissions } from "../auth/permissions";
import { useSession } from "../auth/session";
import { Layout } from "../components/Layout";
import { EmptyState, Spinner } from "../components/ui";
import { AccountsPage } from "../pages/AccountsPage";
import { AuditPage } from "../pages/AuditPage";
import { CompanySettingsPage } from "../pages/CompanySettingsPage";
import { CampaignPage } from "../pages/CampaignPage";
import { CampaignsPage } from "../pages/CampaignsPage";
import { DashboardPage } from "../pages/DashboardPage";
import { DeviceDetailPage } from "../pages/DeviceDetailPage";
import { DeviceGroupsPage } from "../pages/DeviceGroupsPage";
import { DeviceJobPage } from "../pages/DeviceJobPage";
import { DeviceJobsPage } from "../pages/DeviceJobsPage";
import { DevicesPage } from "../pages/DevicesPage";
import { FaultsPage } from "../pages/FaultsPage";
import { FirmwarePage } from "../pages/FirmwarePage";
import { IncidentsPage } from "../pages/provider/IncidentsPage";
import { LoginPage } from "../pages/LoginPage";
import { PasswordChangePage } from "../pages/PasswordChangePage";
import { OwnAccountPage } from "../pages/OwnAccountPage";
import { OwnRefusedDevicesPage } from "../pages/OwnRefusedDevicesPage";
import { ProfileDetailPage } from "../pages/ProfileDetailPage";
import { ProfilesPage } from "../pages/ProfilesPage";
import { AllocationsPage } from "../pages/provider/AllocationsPage";
import { CompaniesPage } from "../pages/provider/CompaniesPage";
import { JobsPage } from "../pages/provider/JobsPage";
import { LockedAccountsPage } from "../pages/provider/LockedAccountsPage";
import { LoginAlarmsPage } from "../pages/provider/LoginAlarmsPage";
import { MailPage } from "../pages/provider/MailPage";
import { MaintenancePage } from "../pages/provider/MaintenancePage";
import { RefusedDevicesPage } from "../pages/provider/RefusedDevicesPage";
import { ServiceHealthPage } from "../pages/provider/ServiceHealthPage";
import { UnassignedDevicesPage } from "../pages/provider/UnassignedDevicesPage";
import { RolesPage } from "../pages/RolesPage";
import { SecurityDataPage } from "../pages/SecurityDataPage";
import { StatusPage } from "../pages/StatusPage";
import { TokensPage } from "../pages/TokensPage";
import { TotpSetupPage } from "../pages/TotpSetupPage";
import { WebhookDetailPage } from "../pages/WebhookDetailPage";
import { WebhooksPage } from "../pages/WebhooksPage";
import { PATHS, routePattern } from "./paths";

function RequireSession({ children }: { children: ReactNode }) {
  const { session, loading, endReason, enrolmentRequired } = useSession();
  const location = useLocation();
  if (loading) return <Spinner />;
  // After an expiry, the login page leads back here; after a log-out, to the start page.
  if (!session)
    return <Navigate to={PATHS.login} replace state={endReason === "logged_out" ? null : { from: location.pathname + location.search }} />;
  if (session.account.must_change_password && location.pathname !== PATHS.password)
    return <Navigate to={PATHS.password} replace />;
  // SEC-9: a second factor required and not set up yet: nothing else answers until it is.
  if (enrolmentRequired && !session.account.must_change_password && location.pathname !== PATHS.totpSetup)
    return <Navigate to={PATHS.totpSetup} replace />;
  return <>{children}</>;
}

function Guarded({ path, children }: { path: string; children: ReactNode }) {
  const { session } = useSession();
  const { t } = useTranslation();
  const needed = screenPermissions(path);
  if (session && !session.permissions.hasAny(needed))
    return <EmptyState icon="lock" title={t("common.notAllowed")}>{t("common.notAllowedBody")}</EmptyState>;
  return <>{children}</>;
}

function NotFound() {
  const { t } = useTranslation();
  return <EmptyState title={t("common.notFound")} />;
}

function TitleSync() {
  const { t, i18n } = useTranslation();
  useEffect(() => {
    document.documentElement.lang = i18n.language;
    document.title = t("app.title");
  }, [t, i18n.language]);
  return null;
}

const SCREENS: Array<[string, ReactNode]> = [
  [PATHS.devices, <DevicesPage />],
  [PATHS.device, <DeviceDetailPage />],
  [PATHS.deviceGroups, <DeviceGroupsPage />],
  // Issue 18: the company's jobs and its own refused devices.
  [PATHS.deviceJobs, <DeviceJobsPage />],
  [PATHS.deviceJob, <DeviceJobPage />],
  [PATHS.ownRefusedDevices, <OwnRefusedDevicesPage />],
  [PATHS.faults, <FaultsPage />],
  [PATHS.profiles, <ProfilesPage />],
  [PATHS.profile, <ProfileDetailPage />],
  [PATHS.firmware, <FirmwarePage />],
  [PATHS.campaigns, <CampaignsPage />],
  [PATHS.campaign, <CampaignPage />],
  [PATHS.accounts, <AccountsPage />],
  [PATHS.roles, <RolesPage />],
  [PATHS.audit, <AuditPage scope="company" />],
  [PATHS.companySettings, <CompanySettingsPage />],
  [PATHS.tokens, <TokensPage />],
  [PATHS.webhooks, <WebhooksPage />],
  [PATHS.webhook, <WebhookDetailPage />],
  [PATHS.ownAccount, <OwnAccountPage />],
  [PATHS.companies, <CompaniesPage />],
  [PATHS.lockedAccounts, <LockedAccountsPage />],
  [PATHS.allocations, <AllocationsPage />],
  [PATHS.refusedDevices, <RefusedDevicesPage />],
  [PATHS.unassignedDevices, <UnassignedDevicesPage />],
  [PATHS.providerAudit, <AuditPage scope="provider" />],
  [PATHS.jobs, <JobsPage />],
  [PATHS.mail, <MailPage />],
  [PATHS.loginAlarms, <LoginAlarmsPage />],
  [PATHS.providerTokens, <TokensPage />],
  [PATHS.serviceHealth, <ServiceHealthPage />],
  [PATHS.maintenance, <MaintenancePage />],
  [PATHS.incidents, <IncidentsPage />],
  [PATHS.securityData, <SecurityDataPage />],
];

export function App() {
  return (
    <>
      <TitleSync />
      <Routes>
        <Route path={PATHS.login} element={<LoginPage />} />
        {/* OPS-2: public, logged in or not. */}
        <Route path={PATHS.status} element={<StatusPage />} />
        <Route
          path={PATHS.password}
          element={
            <RequireSession>
              <PasswordChangePage />
            </RequireSession>
          }
        />
        <Route
          path={PATHS.totpSetup}
          element={
            <RequireSession>
              <TotpSetupPage />
            </RequireSession>
          }
        />
        <Route
          element={
            <RequireSession>
              <Layout />
            </RequireSession>
          }
        >
          <Route index element={<DashboardPage />} />
          {SCREENS.map(([path, element]) => (
            <Route key={path} path={routePattern(path)} element={<Guarded path={path}>{element}</Guarded>} />
          ))}
          <Route path="*" element={<NotFound />} />
        </Route>
      </Routes>
    </>
  );
}
