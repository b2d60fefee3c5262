#include "mail/messages.h"

#include <fmt/format.h>

namespace kanri::mail {

bool IsEnglish(std::string_view language) {
  return language == "en";
}

namespace {

constexpr std::string_view kFooterJa =
    "\n--\nこのメールは Kanri から自動で送信されています。返信はできません。\n"
    "お心当たりのない場合は、サービスの管理者にお問い合わせください。\n";
constexpr std::string_view kFooterEn =
    "\n--\nThis mail was sent automatically by Kanri; replies are not read.\n"
    "If you did not expect it, contact the service's administrators.\n";

std::string_view Footer(std::string_view language) {
  return IsEnglish(language) ? kFooterEn : kFooterJa;
}

std::string Minutes(Millis d) {
  return std::to_string(std::chrono::duration_cast<std::chrono::minutes>(d).count());
}

}  // namespace

Message TestMail(std::string_view language, Timestamp now, std::string_view service_name) {
  if (IsEnglish(language))
    return {fmt::format("[Kanri] Test mail from {}", service_name),
            fmt::format("This is a test mail sent by `kanri mail test` at {}.\n"
                        "Mail from {} reaches this address.\n{}",
                        FormatJst(now), service_name, kFooterEn)};
  return {fmt::format("[Kanri] テストメール ({})", service_name),
          fmt::format("`kanri mail test` により {} に送信したテストメールです。\n"
                      "{} からのメールはこのアドレスに届きます。\n{}",
                      FormatJst(now), service_name, kFooterJa)};
}

Message InactivityReminder(std::string_view language, const InactivityFacts& f) {
  const std::string lock = f.next_step ? FormatJst(*f.next_step) : "";
  if (IsEnglish(language))
    return {"[Kanri] Please log in: your account will be locked for inactivity",
            fmt::format("Dear {},\n\n"
                        "Your Kanri account {} (company {}) has not logged in since {}.\n"
                        "Unless it logs in before {}, it will be locked for inactivity, and only\n"
                        "the service provider will be able to unlock it.\n\n"
                        "Log in to Kanri as usual to keep the account.\n{}",
                        f.name, f.login, f.company_code, FormatJst(f.last_activity), lock, Footer(language))};
  return {"【Kanri】ログインのお願い: アカウントが休眠によりロックされます",
          fmt::format("{} 様\n\n"
                      "Kanri のアカウント {}（会社 {}）は {} 以降ログインされていません。\n"
                      "{} までにログインがない場合、このアカウントは休眠によりロックされ、\n"
                      "ロックはサービス提供者のみが解除できます。\n\n"
                      "アカウントを引き続き使う場合は、いつも通り Kanri にログインしてください。\n{}",
                      f.name, f.login, f.company_code, FormatJst(f.last_activity), lock, Footer(language))};
}

Message InactivityReminderForAdministrator(std::string_view language, const InactivityFacts& f) {
  const std::string lock = f.next_step ? FormatJst(*f.next_step) : "";
  if (IsEnglish(language))
    return {fmt::format("[Kanri] Account {} will be locked for inactivity", f.login),
            fmt::format("The account {} ({}) of company {} has not logged in since {}.\n"
                        "It was reminded today. Unless it logs in before {}, it will be locked for\n"
                        "inactivity; only the service provider can unlock it.\n\n"
                        "If the account is no longer needed, you can delete it in the console.\n{}",
                        f.login, f.name, f.company_code, FormatJst(f.last_activity), lock, Footer(language))};
  return {fmt::format("【Kanri】アカウント {} が休眠によりロックされます", f.login),
          fmt::format("会社 {} のアカウント {}（{}）は {} 以降ログインされていません。\n"
                      "本日、本人にログインをお願いするメールを送信しました。{} までにログインがない場合、\n"
                      "このアカウントは休眠によりロックされ、ロックはサービス提供者のみが解除できます。\n\n"
                      "不要になったアカウントは、管理画面から削除できます。\n{}",
                      f.company_code, f.login, f.name, FormatJst(f.last_activity), lock, Footer(language))};
}

Message InactivityLocked(std::string_view language, const InactivityFacts& f) {
  if (IsEnglish(language)) {
    std::string deletion = f.next_step ? fmt::format(
                                             "As a general account, it will be deleted on {} unless it is "
                                             "unlocked before.\n",
                                             FormatJst(*f.next_step))
                                       : std::string(
                                             "As an administrator account, it stays locked until it is "
                                             "unlocked or the company's contract ends.\n");
    return {
        fmt::format("[Kanri] Account {} was locked for inactivity", f.login),
        fmt::format("The account {} ({}) of company {} was locked: it has not logged in since {}\n"
                    "and did not answer the reminder.\n{}"
                    "Only the service provider can unlock it; ask them if it is still needed.\n{}",
                    f.login, f.name, f.company_code, FormatJst(f.last_activity), deletion, Footer(language))};
  }
  std::string deletion =
      f.next_step
          ? fmt::format("一般アカウントのため、それまでにロックが解除されない場合 {} に削除されます。\n",
                        FormatJst(*f.next_step))
          : std::string("管理者アカウントのため、ロック解除または契約終了までロックされたままとなります。\n");
  return {fmt::format("【Kanri】アカウント {} を休眠によりロックしました", f.login),
          fmt::format(
              "会社 {} のアカウント {}（{}）は {} 以降ログインがなく、\n"
              "ログインのお願いにも応答がなかったため、ロックしました。\n{}"
              "ロックはサービス提供者のみが解除できます。必要な場合はサービス提供者にご依頼ください。\n{}",
              f.company_code, f.login, f.name, FormatJst(f.last_activity), deletion, Footer(language))};
}

Message LoginAlarm(std::string_view language, const LoginAlarmFacts& f) {
  const bool en = IsEnglish(language);
  std::string where;
  if (f.cause == "account")
    where = en ? "the account " + f.subject : "アカウント " + f.subject;
  else if (f.cause == "address")
    where = en ? "the source address " + f.subject : "送信元アドレス " + f.subject;
  else
    where = en ? "the whole service" : "サービス全体";
  if (en)
    return {fmt::format("[Kanri] Alarm: {} failed logins on {}", f.failures, where),
            fmt::format("Failed logins burst on {}:\n\n"
                        "  failures:      {} in the last {} minutes (alarm at {})\n"
                        "  first failure: {}\n"
                        "  detected:      {}\n\n"
                        "Check the provider's console (alarms, operation history) for the details.\n"
                        "This alarm is raised once per {} minutes for the same cause.\n{}",
                        where, f.failures, Minutes(f.window), f.threshold, FormatJst(f.first_failure),
                        FormatJst(f.raised_at), Minutes(f.window), kFooterEn)};
  return {fmt::format("【Kanri】警報: {} でログイン失敗が {} 回", where, f.failures),
          fmt::format("{} でログイン失敗が集中しています。\n\n"
                      "  失敗回数:     直近 {} 分間に {} 回（警報のしきい値 {} 回）\n"
                      "  最初の失敗:   {}\n"
                      "  検知:         {}\n\n"
                      "詳細はサービス提供者の管理画面（警報、操作履歴）で確認してください。\n"
                      "同じ原因の警報は {} 分に 1 回送信されます。\n{}",
                      where, Minutes(f.window), f.failures, f.threshold, FormatJst(f.first_failure),
                      FormatJst(f.raised_at), Minutes(f.window), kFooterJa)};
}

Message WebhookDisabled(std::string_view language, const WebhookDisabledFacts& f) {
  if (IsEnglish(language))
    return {fmt::format("[Kanri] Webhook \"{}\" was disabled after 24 hours of failures", f.name),
            fmt::format("Every delivery to the webhook \"{}\" has failed since {},\n"
                        "so Kanri disabled it at {}. Events are not sent to it while it is disabled.\n\n"
                        "  URL: {}\n\n"
                        "Check the receiver, read the webhook's delivery log in the console, and enable\n"
                        "it again there (and send a test event) once it answers.\n{}",
                        f.name, FormatJst(f.failing_since), FormatJst(f.disabled_at), f.url, kFooterEn)};
  return {fmt::format("【Kanri】Webhook「{}」を 24 時間の配信失敗により停止しました", f.name),
          fmt::format("Webhook「{}」への配信が {} から失敗し続けているため、\n"
                      "{} に停止しました。停止中のイベントは送信されません。\n\n"
                      "  URL: {}\n\n"
                      "受信側を確認し、管理画面の配信ログを確認のうえ、同じ画面から再度有効にしてください\n"
                      "（テストイベントの送信で確認できます）。\n{}",
                      f.name, FormatJst(f.failing_since), FormatJst(f.disabled_at), f.url, kFooterJa)};
}

namespace {

std::string Period(Timestamp from, Timestamp to) {
  return FormatJst(from) + " 〜 " + FormatJst(to);
}

std::string_view SeverityText(std::string_view severity, bool en) {
  if (severity == "critical") return en ? "critical" : "重大";
  if (severity == "major") return en ? "major" : "大";
  return en ? "minor" : "小";
}

}  // namespace

Message Maintenance(std::string_view language, MaintenanceNotice notice, const MaintenanceFacts& f) {
  const bool en = IsEnglish(language);
  std::string_view what;
  std::string_view lead;
  switch (notice) {
    case MaintenanceNotice::kAnnounced:
      what = en ? (f.emergency ? "Emergency maintenance" : "Planned maintenance")
                : (f.emergency ? "緊急メンテナンスのお知らせ" : "計画メンテナンスのお知らせ");
      lead = en ? "The service will be under maintenance during the period below."
                : "下記の期間、サービスのメンテナンスを実施します。";
      break;
    case MaintenanceNotice::kReminder:
      what = en ? "Reminder: maintenance" : "【再送】メンテナンスのお知らせ";
      lead = en ? "As announced, the service will be under maintenance during the period below."
                : "お知らせしていたとおり、下記の期間にサービスのメンテナンスを実施します。";
      break;
    case MaintenanceNotice::kChanged:
      what = en ? "Maintenance changed" : "メンテナンス内容の変更";
      lead = en ? "The maintenance announced earlier has changed. Its new period and text:"
                : "お知らせしていたメンテナンスの内容が変更されました。変更後の内容は次のとおりです。";
      break;
    case MaintenanceNotice::kCancelled:
      what = en ? "Maintenance cancelled" : "メンテナンス中止のお知らせ";
      lead = en ? "The maintenance below will not take place." : "下記のメンテナンスは中止となりました。";
      break;
  }
  if (en)
    return {fmt::format("[Kanri] {}: {}", what, f.title),
            fmt::format("{}\n\n  {}\n  Period: {}\n\n{}\n\n"
                        "The status page and the console's banner show maintenance and incidents.\n{}",
                        lead, f.title, Period(f.starts_at, f.ends_at), f.body, kFooterEn)};
  return {
      fmt::format("【Kanri】{}: {}", what, f.title),
      fmt::format("{}\n\n  {}\n  期間: {}\n\n{}\n\n"
                  "メンテナンスと障害の情報は、ステータスページと管理画面のお知らせでも確認できます。\n{}",
                  lead, f.title, Period(f.starts_at, f.ends_at), f.body, kFooterJa)};
}

Message Incident(std::string_view language, IncidentNotice notice, const IncidentFacts& f) {
  const bool en = IsEnglish(language);
  std::string_view what;
  switch (notice) {
    case IncidentNotice::kPublished:
      what = en ? "Incident" : "障害発生のお知らせ";
      break;
    case IncidentNotice::kUpdated:
      what = en ? "Incident update" : "障害情報の更新";
      break;
    case IncidentNotice::kResolved:
      what = en ? "Incident resolved" : "障害復旧のお知らせ";
      break;
  }
  std::string update;
  if (!f.update.empty()) update = (en ? "\nLatest update:\n" : "\n最新の情報:\n") + f.update + "\n";
  std::string resolved;
  if (f.resolved_at) resolved = (en ? "  Resolved: " : "  復旧: ") + FormatJst(*f.resolved_at) + "\n";
  if (en)
    return {fmt::format("[Kanri] {}: {}", what, f.title),
            fmt::format("  {}\n  Severity: {}\n  Detected: {}\n{}\n{}\n{}"
                        "\nThe status page shows every update.\n{}",
                        f.title, SeverityText(f.severity, true), FormatJst(f.detected_at), resolved, f.body,
                        update, kFooterEn)};
  return {fmt::format("【Kanri】{}: {}", what, f.title),
          fmt::format("  {}\n  影響度: {}\n  検知: {}\n{}\n{}\n{}"
                      "\n最新の状況はステータスページで確認できます。\n{}",
                      f.title, SeverityText(f.severity, false), FormatJst(f.detected_at), resolved, f.body,
                      update, kFooterJa)};
}

Message HealthAlarm(std::string_view language, const HealthAlarmFacts& f) {
  if (IsEnglish(language)) {
    if (f.recovered)
      return {fmt::format("[Kanri] Recovered: every health check passes on {}", f.node),
              fmt::format("The health checks of {} that failed since {} pass again ({}).\n\n"
                          "If an incident was published, resolve it in the provider's console.\n{}",
                          f.node, FormatJst(f.since), FormatJst(f.at), kFooterEn)};
    return {fmt::format("[Kanri] Alarm: health check failing on {}", f.node),
            fmt::format("These health checks of {} have failed since {}:\n\n{}\n\n"
                        "A draft incident was opened. Publish it in the provider's console within an hour\n"
                        "of detection (OPS-2); docs/operations.md says what each check means.\n{}",
                        f.node, FormatJst(f.since), f.failing, kFooterEn)};
  }
  if (f.recovered)
    return {fmt::format("【Kanri】復旧: {} の監視項目はすべて正常です", f.node),
            fmt::format("{} から異常だった {} の監視項目が正常に戻りました（{}）。\n\n"
                        "障害情報を公開している場合は、サービス提供者の管理画面で復旧としてください。\n{}",
                        FormatJst(f.since), f.node, FormatJst(f.at), kFooterJa)};
  return {fmt::format("【Kanri】警報: {} の監視項目が異常です", f.node),
          fmt::format("{} の次の監視項目が {} から異常です。\n\n{}\n\n"
                      "障害情報の下書きを作成しました。検知から 1 時間以内にサービス提供者の管理画面で\n"
                      "公開してください（OPS-2）。各項目の意味は docs/operations.md にあります。\n{}",
                      f.node, FormatJst(f.since), f.failing, kFooterJa)};
}

}  // namespace kanri::mail
