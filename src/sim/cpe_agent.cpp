// One simulated CPE's behaviour: see cpe_agent.h.
#include "sim/cpe_agent.h"

#include <algorithm>
#include <boost/json.hpp>
#include <charconv>
#include <chrono>

#include "base/xsd_value.h"

namespace kanri::sim {
namespace {

namespace json = boost::json;

constexpr std::string_view kUnknownTime = "0001-01-01T00:00:00Z";
constexpr std::string_view kFirmwareFileType = "1 Firmware Upgrade Image";
constexpr std::string_view kTransferCompleteEvent = "7 TRANSFER COMPLETE";
constexpr std::string_view kDownloadEvent = "M Download";
constexpr std::string_view kBootstrapEvent = "0 BOOTSTRAP";

// xsd:dateTime without fractions, UTC.
std::string DateTime(Timestamp t) {
  std::string text = FormatUtc(t);  // "2025-03-10T00:30:00.000Z"
  if (const auto dot = text.find('.'); dot != std::string::npos) text = text.substr(0, dot) + "Z";
  return text;
}

bool IsTransferEvent(const cwmp::EventStruct& e) {
  return e.event_code == kTransferCompleteEvent || e.event_code == kDownloadEvent;
}

}  // namespace

CpeAgent::CpeAgent(ModelKind kind, DeviceIdentity identity, std::string connection_request_url)
    : kind_(kind),
      identity_(std::move(identity)),
      connection_request_url_(std::move(connection_request_url)) {
  ResetModel();
}

void CpeAgent::ResetModel() {
  model_ = BuildDefaultModel(kind_, identity_);
  model_.SetValue(ParameterPath(kind_, Param::kConnectionRequestUrl), connection_request_url_);
  dirty_ = true;
}

void CpeAgent::SetAcsUrl(const std::string& url) {
  const std::string path = ParameterPath(kind_, Param::kAcsUrl);
  const std::string current = model_.Value(path);
  if (current == url) return;
  // TR-069 3.7.1.5: a new ACS URL means a new bootstrap.
  if (!current.empty()) bootstrapped_ = false;
  model_.SetValue(path, url);
  dirty_ = true;
}

void CpeAgent::SetConnectionRequestUrl(const std::string& url) {
  connection_request_url_ = url;
  model_.SetValue(ParameterPath(kind_, Param::kConnectionRequestUrl), url);
}

void CpeAgent::Boot(Timestamp now) {
  boot_time_ = now;
  if (!bootstrapped_) QueueEvent(std::string(kBootstrapEvent));
  QueueEvent("1 BOOT");
}

void CpeAgent::QueueEvent(std::string code, std::string command_key) {
  const bool multiple = code.starts_with("M ");
  const bool queued = std::any_of(events_.begin(), events_.end(), [&](const cwmp::EventStruct& e) {
    return e.event_code == code && (!multiple || e.command_key == command_key);
  });
  if (queued) return;
  events_.push_back({std::move(code), std::move(command_key)});
  dirty_ = true;
}

std::vector<std::string> CpeAgent::PendingEventCodes() const {
  std::vector<std::string> codes;
  for (const cwmp::EventStruct& e : events_) codes.push_back(e.event_code);
  return codes;
}

void CpeAgent::RefreshDynamicValues(Timestamp now) {
  const auto uptime = std::chrono::duration_cast<std::chrono::seconds>(now - boot_time_).count();
  const std::string seconds = std::to_string(std::max<std::int64_t>(uptime, 0));
  model_.SetValue(ParameterPath(kind_, Param::kUpTime), seconds);
  model_.SetValue(model_.root() + "Time.CurrentLocalTime", DateTime(now));
  if (kind_ == ModelKind::kTr098) {
    model_.SetValue("InternetGatewayDevice.WANDevice.1.WANConnectionDevice.1.WANIPConnection.1.Uptime",
                    seconds);
  }
}

cwmp::Inform CpeAgent::MakeInform(Timestamp now, std::uint32_t retry_count) {
  RefreshDynamicValues(now);
  // The device's own configuration tool has put these back since the last session (DEV-7 drift).
  for (const auto& [path, value] : reverts_)
    if (model_.Value(path) != value) model_.SetValue(path, value);
  cwmp::Inform inform;
  inform.device_id = {Value(Param::kManufacturer), Value(Param::kManufacturerOui),
                      Value(Param::kProductClass), Value(Param::kSerialNumber)};
  inform.events = events_;
  inform.max_envelopes = 1;
  inform.current_time = DateTime(now);
  inform.retry_count = retry_count;
  const std::vector<std::string> names = InformParameterNames(kind_);
  if (auto values = model_.GetValues(names)) inform.parameters = std::move(*values);
  return inform;
}

void CpeAgent::InformAccepted() {
  bootstrapped_ = true;
  std::erase_if(events_, [](const cwmp::EventStruct& e) { return !IsTransferEvent(e); });
  dirty_ = true;
}

void CpeAgent::TransferCompleteAccepted() {
  pending_transfer_.reset();
  std::erase_if(events_, IsTransferEvent);
  dirty_ = true;
}

Result<FaultInjection> ParseFaultInjection(std::string_view text) {
  const auto bad = [&](std::string why) {
    return InvalidArgument("fault", "'" + std::string(text) + "': " + why +
                                        " (METHOD=CODE[xTIMES][@PERCENT%], as SetParameterValues=9002x2)");
  };
  FaultInjection f;
  const auto eq = text.find('=');
  if (eq == std::string_view::npos) return bad("no '='");
  f.method = std::string(text.substr(0, eq));
  if (std::find(std::begin(kSupportedMethods), std::end(kSupportedMethods), f.method) ==
      std::end(kSupportedMethods))
    return bad("not a method the simulator answers");
  std::string_view rest = text.substr(eq + 1);
  if (const auto at = rest.find('@'); at != std::string_view::npos) {
    std::string_view percent = rest.substr(at + 1);
    rest = rest.substr(0, at);
    if (!percent.ends_with('%')) return bad("the share ends with %");
    percent.remove_suffix(1);
    const auto [end, ec] = std::from_chars(percent.data(), percent.data() + percent.size(), f.percent);
    if (ec != std::errc{} || end != percent.data() + percent.size() || f.percent <= 0 || f.percent > 100)
      return bad("the share is a percentage above 0 and at most 100");
  }
  if (const auto x = rest.find('x'); x != std::string_view::npos) {
    auto times = XsdInteger<int>(rest.substr(x + 1));
    if (!times || *times < 0) return bad("TIMES is a whole number");
    f.times = *times;
    rest = rest.substr(0, x);
  }
  auto code = XsdInteger<int>(rest);
  if (!code || *code < 9000 || *code > 9899) return bad("CODE is a CPE fault code, 9000 to 9899");
  f.fault_code = *code;
  return f;
}

bool FaultInjectionApplies(const FaultInjection& injection, std::size_t position) {
  // Evenly spread: the device is picked when the running count of picks steps up at it.
  const auto picks = [&](std::size_t n) {
    return static_cast<std::size_t>(static_cast<double>(n) * injection.percent / 100.0);
  };
  return picks(position + 1) > picks(position);
}

CpeAgent::Answer CpeAgent::Respond(const AcsEnvelope& request, Timestamp now) {
  const CpeHeader header{.id = request.id.value_or(""),
                         .version = request.version.value_or(cwmp::CwmpVersion{1, 2})};
  Answer answer;
  answer.method = MessageName(request.message);
  const auto fault = [&](const cwmp::CpeFault& f) {
    answer.fault_code = f.fault_code;
    answer.body = EncodeCpeFault(header, f);
  };
  injected_.resize(injections_.size());
  for (std::size_t i = 0; i < injections_.size(); ++i) {
    const auto& injection = injections_[i];
    if (injection.method != answer.method || (injection.times > 0 && injected_[i] >= injection.times))
      continue;
    ++injected_[i];
    return fault(MakeFault(static_cast<CpeFaultCode>(injection.fault_code), "injected by kanri sim --fault")),
           answer;
  }
  const std::string parameter_key_path = ParameterPath(kind_, Param::kParameterKey);

  if (std::holds_alternative<GetRPCMethodsRequest>(request.message)) {
    const std::vector<std::string> methods(std::begin(kSupportedMethods), std::end(kSupportedMethods));
    answer.body = EncodeGetRPCMethodsResponse(header, methods);
  } else if (const auto* gpv = std::get_if<GetParameterValues>(&request.message)) {
    answer.names = gpv->names;
    RefreshDynamicValues(now);
    auto values = model_.GetValues(gpv->names);
    if (!values) return fault(values.fault()), answer;
    answer.body = EncodeGetParameterValuesResponse(header, *values);
  } else if (const auto* spv = std::get_if<SetParameterValues>(&request.message)) {
    for (const auto& v : spv->values) answer.names.push_back(v.name);
    const std::string acs_url_path = ParameterPath(kind_, Param::kAcsUrl);
    const std::string old_url = model_.Value(acs_url_path);
    auto applied = model_.SetValues(spv->values);
    if (!applied) return fault(applied.fault()), answer;
    model_.SetValue(parameter_key_path, spv->parameter_key);
    if (model_.Value(acs_url_path) != old_url) {
      bootstrapped_ = false;
      QueueEvent(std::string(kBootstrapEvent));
    }
    dirty_ = true;
    answer.body = EncodeSetParameterValuesResponse(header, 0);
  } else if (const auto* gpn = std::get_if<GetParameterNames>(&request.message)) {
    answer.names = {gpn->path};
    auto names = model_.GetNames(gpn->path, gpn->next_level);
    if (!names) return fault(names.fault()), answer;
    answer.body = EncodeGetParameterNamesResponse(header, *names);
  } else if (const auto* add = std::get_if<AddObject>(&request.message)) {
    answer.names = {add->object_name};
    auto instance = model_.AddInstance(add->object_name);
    if (!instance) return fault(instance.fault()), answer;
    model_.SetValue(parameter_key_path, add->parameter_key);
    dirty_ = true;
    answer.body = EncodeAddObjectResponse(header, *instance, 0);
  } else if (const auto* del = std::get_if<DeleteObject>(&request.message)) {
    answer.names = {del->object_name};
    auto deleted = model_.DeleteInstance(del->object_name);
    if (!deleted) return fault(deleted.fault()), answer;
    model_.SetValue(parameter_key_path, del->parameter_key);
    dirty_ = true;
    answer.body = EncodeDeleteObjectResponse(header, 0);
  } else if (const auto* reboot = std::get_if<sim::Reboot>(&request.message)) {
    after_session_.reboot_command_key = reboot->command_key;
    answer.body = EncodeRebootResponse(header);
  } else if (std::holds_alternative<sim::FactoryReset>(request.message)) {
    after_session_.factory_reset = true;
    answer.body = EncodeFactoryResetResponse(header);
  } else if (const auto* download = std::get_if<Download>(&request.message)) {
    answer.names = {download->url};
    if (download->file_type != kFirmwareFileType) {
      return fault(
                 MakeFault(CpeFaultCode::kInvalidArguments, "unsupported FileType: " + download->file_type)),
             answer;
    }
    if (!download->url.starts_with("http://") && !download->url.starts_with("https://")) {
      cwmp::CpeFault f = MakeFault(CpeFaultCode::kInvalidArguments);
      f.fault_code = 9013;  // Unsupported protocol for file transfer
      f.soap_fault_code = "Server";
      f.fault_string = std::string(cwmp::CwmpFaultMeaning(9013));
      return fault(f), answer;
    }
    if (after_session_.download || pending_transfer_) {
      return fault(MakeFault(CpeFaultCode::kResourcesExceeded, "a download is already in progress")), answer;
    }
    after_session_.download = *download;
    after_session_.download_requested_at = now;
    // Status 1: the download happens after the session; a TransferComplete reports it.
    answer.body = EncodeDownloadResponse(
        header,
        {.status = 1, .start_time = std::string(kUnknownTime), .complete_time = std::string(kUnknownTime)});
  } else {
    fault(MakeFault(CpeFaultCode::kMethodNotSupported, "method not supported: " + answer.method));
  }
  return answer;
}

AfterSessionActions CpeAgent::TakeAfterSessionActions() {
  return std::exchange(after_session_, AfterSessionActions{});
}

void CpeAgent::Reboot(Timestamp now, const std::string& command_key) {
  std::erase_if(events_, [](const cwmp::EventStruct& e) { return !IsTransferEvent(e); });
  Boot(now);
  QueueEvent("M Reboot", command_key);
}

void CpeAgent::FactoryReset(Timestamp now) {
  ResetModel();
  bootstrapped_ = false;
  events_.clear();
  pending_transfer_.reset();
  Boot(now);
}

void CpeAgent::DownloadFinished(const Download& request, const cwmp::FaultStruct& fault,
                                const std::string& new_version, Timestamp start, Timestamp complete) {
  pending_transfer_ = cwmp::TransferComplete{request.command_key, fault, DateTime(start), DateTime(complete)};
  if (fault.fault_code == 0) {
    model_.SetValue(ParameterPath(kind_, Param::kSoftwareVersion), new_version);
    std::erase_if(events_, [](const cwmp::EventStruct& e) { return !IsTransferEvent(e); });
    Boot(complete);  // the new image is running
  }
  QueueEvent(std::string(kTransferCompleteEvent));
  QueueEvent(std::string(kDownloadEvent), request.command_key);
  dirty_ = true;
}

// ---------------------------------------------------------------------------------------------
// Persistence

std::string CpeAgent::SaveState() const {
  json::object state;
  state["bootstrapped"] = bootstrapped_;
  json::array events;
  for (const cwmp::EventStruct& e : events_)
    events.push_back(json::object{{"code", e.event_code}, {"key", e.command_key}});
  state["events"] = std::move(events);
  if (pending_transfer_) {
    state["transfer"] = json::object{{"command_key", pending_transfer_->command_key},
                                     {"fault_code", pending_transfer_->fault.fault_code},
                                     {"fault_string", pending_transfer_->fault.fault_string},
                                     {"start", pending_transfer_->start_time},
                                     {"complete", pending_transfer_->complete_time}};
  }
  boost::system::error_code ec;
  state["model"] = json::parse(model_.SaveState(), ec);
  return json::serialize(state);
}

bool CpeAgent::LoadState(std::string_view text) {
  boost::system::error_code ec;
  const json::value parsed = json::parse(text, ec);
  if (ec || !parsed.is_object()) return false;
  const json::object& state = parsed.as_object();
  const auto* model = state.if_contains("model");
  if (!model || !model_.LoadState(json::serialize(*model))) return false;
  // The listener's address is this run's, not the saved one.
  model_.SetValue(ParameterPath(kind_, Param::kConnectionRequestUrl), connection_request_url_);
  if (const auto* b = state.if_contains("bootstrapped"); b && b->is_bool()) bootstrapped_ = b->as_bool();
  events_.clear();
  if (const auto* events = state.if_contains("events"); events && events->is_array()) {
    for (const json::value& e : events->as_array()) {
      if (!e.is_object()) continue;
      const auto* code = e.as_object().if_contains("code");
      const auto* key = e.as_object().if_contains("key");
      if (code && code->is_string()) {
        events_.push_back({std::string(code->as_string()),
                           key && key->is_string() ? std::string(key->as_string()) : std::string()});
      }
    }
  }
  pending_transfer_.reset();
  if (const auto* t = state.if_contains("transfer"); t && t->is_object()) {
    const json::object& o = t->as_object();
    const auto str = [&](std::string_view k) {
      const auto* v = o.if_contains(k);
      return v && v->is_string() ? std::string(v->as_string()) : std::string();
    };
    const auto* code = o.if_contains("fault_code");
    pending_transfer_ = cwmp::TransferComplete{
        str("command_key"),
        {code && code->is_int64() ? static_cast<int>(code->as_int64()) : 0, str("fault_string")},
        str("start"),
        str("complete")};
  }
  dirty_ = false;
  return true;
}

}  // namespace kanri::sim
