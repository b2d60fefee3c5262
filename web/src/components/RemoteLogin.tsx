// Remote login to a device (DEV-5, devices.remote_login) on the device's page: the action
// (asked first), the answer's URL, login ID and one-time password shown this once with copy
// buttons and a live countdown to their expiry, the state read again while it changes, and
// "end now". Once the dialog is closed the credentials are gone from the page (and from the
// query cache: the mutation is reset); the page still shows the state and the countdown. The
// device list shows the state as a badge (RemoteLoginBadge).
//
//   const remote = useRemoteLoginControls(id, device.data, can("devices.remote_login"));
//   <PageHeader actions={<>{remote.badge}{remote.action}</>} /> … {remote.panel}
import { useEffect, useState, type ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { ApiError } from "../api/client";
import type { Device, OpenedRemoteLogin, RemoteLogin } from "../api/types";
import { countdown, hasExpired, isOpen, REMOTE_LOGIN_TONE } from "../lib/remoteLogin";
import { formatJst } from "../lib/time";
import { useEndRemoteLogin, useOpenRemoteLogin, useRemoteLogin } from "../resources/remoteLogin";
import { useToast } from "./Toast";
import { SecretField } from "./SecretField";
import { Alert, Badge, Button, Card, Dialog, KeyValue, useErrorText } from "./ui";

const TICK_MS = 1_000;

// The time now, again every second.
function useNow(): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), TICK_MS);
    return () => clearInterval(timer);
  }, []);
  return now;
}

// "残り 59:07" until expires_at, then "有効期限を過ぎました".
function Countdown({ expiresAt }: { expiresAt: string }) {
  const { t } = useTranslation();
  const now = useNow();
  return (
    <span className="countdown" role="timer" aria-live="off" data-testid="remote-login-countdown">
      {hasExpired(expiresAt, now) ? t("remoteLogin.expired") : t("remoteLogin.remaining", { time: countdown(expiresAt, now) })}
    </span>
  );
}

function StateBadge({ state }: { state: RemoteLogin["state"] }) {
  const { t } = useTranslation();
  return (
    <Badge tone={REMOTE_LOGIN_TONE[state]} dot>
      {state === "opening" || state === "closing" ? <span className="spinner spinner-xs" aria-hidden="true" /> : null}
      {t(`remoteLogin.states.${state}`)}
    </Badge>
  );
}

// The device list's and the page header's badge: open (or opening), or waiting for its cleanup.
export function RemoteLoginBadge({ device }: { device: Device }) {
  const { t } = useTranslation();
  const state = device.remote_login;
  if (state === "opening" || state === "active") return <Badge tone="info">{t("remoteLogin.badgeOpen")}</Badge>;
  if (state === "closing") return <Badge tone="warning">{t("remoteLogin.badgeClosing")}</Badge>;
  return null;
}

function UrlLink({ url }: { url: string }) {
  return (
    <a href={url} target="_blank" rel="noopener noreferrer">
      {url}
    </a>
  );
}

// The answer to POST, this once, with the state as it is read again.
function Credentials({ issued, current }: { issued: OpenedRemoteLogin; current: RemoteLogin | null }) {
  const { t } = useTranslation();
  const state = current?.id === issued.id ? current.state : issued.state;
  const url = (current?.id === issued.id ? current.url : null) ?? issued.url;
  // The device could not be asked to connect now: it is set up at its next contact.
  const notWoken = issued.connection_request !== undefined && issued.connection_request.outcome !== "delivered";
  return (
    <div className="stack-sm">
      <Alert tone="warning">
        <strong>{t("remoteLogin.once")}</strong>
        <p>{t("remoteLogin.onceWarning")}</p>
      </Alert>
      <div className="remote-login-state">
        <StateBadge state={state} />
        <span className="muted">{t(`remoteLogin.stateHints.${state}`)}</span>
        {isOpen(state) && state !== "closing" ? <Countdown expiresAt={issued.expires_at} /> : null}
      </div>
      {url ? (
        <SecretField value={url} label={t("remoteLogin.url")} display={<UrlLink url={url} />} testId="remote-login-url" />
      ) : (
        <div className="secret-field">
          <span className="secret-label">{t("remoteLogin.url")}</span>
          <p className="muted">{t("remoteLogin.urlPending")}</p>
        </div>
      )}
      <SecretField value={issued.username} label={t("remoteLogin.username")} testId="remote-login-username" />
      <SecretField value={issued.password} label={t("remoteLogin.password")} testId="remote-login-password" />
      {state === "opening" && notWoken ? <Alert>{t("remoteLogin.notWoken")}</Alert> : null}
      <p className="field-hint">{t("remoteLogin.expiresAt", { time: formatJst(issued.expires_at) })}</p>
    </div>
  );
}

// The device's remote login as GET tells it: state, URL while open, countdown, times, error.
function StatusCard({ login, onEnd, ending }: { login: RemoteLogin; onEnd: () => void; ending: boolean }) {
  const { t } = useTranslation();
  const live = login.state === "opening" || login.state === "active";
  const items: Array<[string, ReactNode]> = [
    [
      t("remoteLogin.state"),
      <span className="remote-login-state">
        <StateBadge state={login.state} />
        <span className="muted">{t(`remoteLogin.stateHints.${login.state}`)}</span>
      </span>,
    ],
  ];
  if (live && login.url) items.push([t("remoteLogin.url"), <UrlLink url={login.url} />]);
  if (live)
    items.push([
      t("remoteLogin.expiry"),
      <span className="remote-login-state">
        <Countdown expiresAt={login.expires_at} />
        <span className="muted">{formatJst(login.expires_at)}</span>
      </span>,
    ]);
  items.push([t("remoteLogin.openedAt"), formatJst(login.opened_at)]);
  if (!live) items.push([t("remoteLogin.closedAt"), formatJst(login.closed_at)]);
  if (login.error) items.push([t("common.details"), <span className="cell-sub">{login.error}</span>]);
  return (
    <div data-testid="remote-login-status">
      <Card
        title={t("remoteLogin.title")}
        actions={
          live ? (
            <Button className="btn-sm" variant="danger" icon="x" busy={ending} onClick={onEnd}>
              {t("remoteLogin.end")}
            </Button>
          ) : null
        }
      >
        <KeyValue items={items} />
      </Card>
    </div>
  );
}

// Without the permission, the device's badge alone; nothing before the device is read. With it,
// the badge follows the remote login's own state, which is read more often than the device.
export function useRemoteLoginControls(
  deviceId: string,
  device: Device | undefined,
  allowed: boolean,
): { badge: ReactNode; action: ReactNode; panel: ReactNode } {
  const { t } = useTranslation();
  const toast = useToast();
  const errorText = useErrorText();
  // Read once there is one: the device says it has one open, or one was opened (or refused as
  // already open) here; from then on until the page is left, so its end shows too. A device
  // that never had one would only answer 404.
  const [watching, setWatching] = useState(false);
  if (allowed && !watching && isOpen(device?.remote_login)) setWatching(true);
  const current = useRemoteLogin(deviceId, allowed && watching);
  const open = useOpenRemoteLogin(deviceId);
  const end = useEndRemoteLogin(deviceId);
  const [asking, setAsking] = useState(false);
  const [issued, setIssued] = useState<OpenedRemoteLogin | null>(null);
  if (!device) return { badge: null, action: null, panel: null };
  if (!allowed) return { badge: <RemoteLoginBadge device={device} />, action: null, panel: null };

  const login = current.data ?? null;
  const state = current.data !== undefined ? (login && isOpen(login.state) ? login.state : null) : device.remote_login;
  const busy = isOpen(state);
  const close = () => {
    // The credentials leave the page, and the mutation's cache of the answer, for good.
    setIssued(null);
    setAsking(false);
    open.reset();
    end.reset();
  };
  const issue = () =>
    open.mutate(undefined, {
      onSuccess: (answer) => {
        setWatching(true);
        setIssued(answer);
        setAsking(false);
      },
      // Another one is open: show it.
      onError: (e) => {
        if (e instanceof ApiError && e.code === "remote_login_active") setWatching(true);
      },
    });
  const endNow = () =>
    end.mutate(undefined, {
      onSuccess: () => toast(t("remoteLogin.ended")),
      // It ended meanwhile (expired, or ended elsewhere): show how it is now.
      onError: (e) => {
        if (e instanceof ApiError && e.code === "remote_login_not_open") void current.refetch();
      },
    });

  const dialog = issued ? (
    <Dialog
      open
      wide
      title={t("remoteLogin.issuedTitle")}
      onClose={close}
      footer={
        <>
          {isOpen(login?.state ?? issued.state) && login?.state !== "closing" ? (
            <Button variant="danger" icon="x" busy={end.isPending} onClick={endNow}>
              {t("remoteLogin.end")}
            </Button>
          ) : null}
          <Button variant="primary" onClick={close}>
            {t("common.close")}
          </Button>
        </>
      }
    >
      <Credentials issued={issued} current={login} />
      {end.error ? <Alert tone="danger">{errorText(end.error)}</Alert> : null}
    </Dialog>
  ) : asking ? (
    <Dialog
      open
      title={t("remoteLogin.confirmTitle")}
      onClose={close}
      footer={
        <>
          <Button onClick={close}>{t("common.cancel")}</Button>
          <Button variant="primary" busy={open.isPending} onClick={issue}>
            {t("remoteLogin.issue")}
          </Button>
        </>
      }
    >
      <div className="confirm-message stack-sm">
        <p>{t("remoteLogin.confirm", { serial: device.serial_number })}</p>
        <p>
          <strong>{t("remoteLogin.confirmOnce")}</strong>
        </p>
      </div>
      {open.error ? <Alert tone="danger">{errorText(open.error)}</Alert> : null}
    </Dialog>
  ) : null;

  return {
    badge: <RemoteLoginBadge device={{ ...device, remote_login: state }} />,
    action: (
      <span title={busy ? t("remoteLogin.alreadyOpen") : undefined}>
        <Button icon="link" disabled={busy} onClick={() => setAsking(true)}>
          {t("remoteLogin.action")}
        </Button>
      </span>
    ),
    panel: (
      <>
        {login ? <StatusCard login={login} onEnd={endNow} ending={end.isPending} /> : null}
        {!issued && end.error ? <Alert tone="danger">{errorText(end.error)}</Alert> : null}
        {dialog}
      </>
    ),
  };
}
