#include "cwmp/task_rpc.h"

#include <algorithm>
#include <boost/json.hpp>

#include "base/crypto.h"

namespace kanri::cwmp {
namespace {

namespace asio = boost::asio;
namespace json = boost::json;
namespace task = devices::task;
using devices::TaskState;

XsdType XsdTypeOf(std::string_view type) {
  if (type == "int") return XsdType::kInt;
  if (type == "unsignedInt") return XsdType::kUnsignedInt;
  if (type == "long") return XsdType::kLong;
  if (type == "unsignedLong") return XsdType::kUnsignedLong;
  if (type == "boolean") return XsdType::kBoolean;
  if (type == "dateTime") return XsdType::kDateTime;
  if (type == "base64" || type == "base64Binary") return XsdType::kBase64;
  if (type == "hexBinary") return XsdType::kHexBinary;
  return XsdType::kString;
}

Completion Done(json::object result) {
  Completion c;
  c.outcome.result = json::serialize(result);
  return c;
}

Completion AwaitDevice(Millis timeout) {
  Completion c;
  c.await_device = timeout;
  return c;
}

// ---------------------------------------------------------------------------------------------
// One entry per task type: the CPE's response it expects, how it is sent (Encode) and how that
// response completes it (Complete).

template <typename T>
struct RpcEntry;

template <>
struct RpcEntry<task::GetParameterValues> {
  using Response = GetParameterValuesResponse;
  static asio::awaitable<Result<std::string>> Encode(const task::GetParameterValues& t, RpcContext&,
                                                     const HeaderOut& header, PendingRpc&) {
    co_return EncodeGetParameterValues(header, t.names);
  }
  static asio::awaitable<Completion> Complete(const task::GetParameterValues&, const Response& r,
                                              RpcContext& ctx, const PendingRpc&) {
    json::object values;
    std::vector<devices::Parameter> merge;
    for (const auto& p : r.parameters) {
      // A secret the device reported is never stored, in the result or the tree.
      if (devices::IsSecretParameter(p.name))
        values[p.name] = json::object{{"redacted", true}, {"type", p.type}};
      else
        values[p.name] = json::object{{"value", p.value}, {"type", p.type}};
      merge.push_back({p.name, p.value, p.type, std::nullopt});
    }
    co_await ctx.db.Run([&] { ctx.parameters.MergeValues(ctx.device, merge); });
    co_return Done({{"values", std::move(values)}});
  }
};

template <>
struct RpcEntry<task::SetParameterValues> {
  using Response = SetParameterValuesResponse;
  static asio::awaitable<Result<std::string>> Encode(const task::SetParameterValues& t, RpcContext& ctx,
                                                     const HeaderOut& header, PendingRpc& pending) {
    std::vector<ParameterSetting> settings;
    if (t.purpose == task::SetPurpose::kCredentials) {
      auto creds = co_await ctx.db.Run([&] { return ctx.tasks.PendingCredentials(ctx.device); });
      if (!creds) co_return creds.error();
      const std::string ms = creds->data_model_root + "ManagementServer.";
      if (creds->management_password)
        settings.push_back({ms + "Password", *creds->management_password, XsdType::kString});
      settings.push_back({ms + "ConnectionRequestUsername", creds->cr_username, XsdType::kString});
      settings.push_back({ms + "ConnectionRequestPassword", creds->cr_password, XsdType::kString});
      pending.credentials = true;
      // Passwords are never copied into the parameter tree; the username is.
      pending.record_values.push_back({ms + "ConnectionRequestUsername", creds->cr_username, "string", {}});
    } else {
      if (t.purpose == task::SetPurpose::kRemoteLogin) {
        // DEV-5: the one-time login ID and password: never in the task, the tree or the history.
        auto secret = co_await ctx.db.Run([&] { return ctx.tasks.PendingRemoteLogin(t.remote_login); });
        if (!secret) co_return secret.error();
        settings.push_back({secret->user_object + "Username", secret->username, XsdType::kString});
        settings.push_back({secret->user_object + "Password", secret->password, XsdType::kString});
      }
      std::vector<std::string> paths;
      for (const auto& [path, value] : t.values) paths.push_back(path);
      const auto types = co_await ctx.db.Run([&] { return ctx.parameters.TypesOf(ctx.device, paths); });
      for (std::size_t i = 0; i < t.values.size(); ++i) {
        const auto& [path, value] = t.values[i];
        settings.push_back({path, value, XsdTypeOf(types[i])});
        if (!devices::IsSecretParameter(path)) pending.record_values.push_back({path, value, types[i], {}});
      }
    }
    co_return EncodeSetParameterValues(header, settings, pending.task.command_key);
  }
  static asio::awaitable<Completion> Complete(const task::SetParameterValues& t, const Response& r,
                                              RpcContext& ctx, const PendingRpc& pending) {
    co_await ctx.db.Run([&] {
      if (pending.credentials) ctx.tasks.ConfirmCredentials(ctx.device);
      if (!pending.record_values.empty()) ctx.parameters.MergeValues(ctx.device, pending.record_values);
    });
    Completion c = Done({{"status", r.status}});
    if (pending.credentials) c.history_action = "devices.credentials_rotated";
    if (t.purpose == task::SetPurpose::kRemoteLogin) c.history_action = "devices.remote_login_opened";
    co_return c;
  }
};

template <>
struct RpcEntry<task::GetParameterNames> {
  using Response = GetParameterNamesResponse;
  static asio::awaitable<Result<std::string>> Encode(const task::GetParameterNames& t, RpcContext&,
                                                     const HeaderOut& header, PendingRpc&) {
    co_return EncodeGetParameterNames(header, t.path, t.next_level);
  }
  static asio::awaitable<Completion> Complete(const task::GetParameterNames& t, const Response& r,
                                              RpcContext& ctx, const PendingRpc& pending) {
    json::array list;
    std::vector<std::pair<std::string, bool>> names;
    std::vector<std::string> to_read;
    for (const auto& p : r.parameters) {
      list.push_back(json::object{{"name", p.name}, {"writable", p.writable}});
      names.emplace_back(p.name, p.writable);
      to_read.push_back(p.name);
    }
    co_await ctx.db.Run([&] {
      ctx.parameters.MergeNames(ctx.device, names);
      // The full read: the values, by explicit name, in batches.
      if (t.then_read_values) ctx.tasks.QueueValueReads(pending.task, to_read);
    });
    co_return Done({{"parameters", std::move(list)}});
  }
};

template <>
struct RpcEntry<task::AddObject> {
  using Response = AddObjectResponse;
  static asio::awaitable<Result<std::string>> Encode(const task::AddObject& t, RpcContext&,
                                                     const HeaderOut& header, PendingRpc& pending) {
    co_return EncodeAddObject(header, t.object, pending.task.command_key);
  }
  static asio::awaitable<Completion> Complete(const task::AddObject&, const Response& r, RpcContext&,
                                              const PendingRpc&) {
    co_return Done({{"instance_number", r.instance_number}, {"status", r.status}});
  }
};

template <>
struct RpcEntry<task::DeleteObject> {
  using Response = DeleteObjectResponse;
  static asio::awaitable<Result<std::string>> Encode(const task::DeleteObject& t, RpcContext&,
                                                     const HeaderOut& header, PendingRpc& pending) {
    co_return EncodeDeleteObject(header, t.object, pending.task.command_key);
  }
  static asio::awaitable<Completion> Complete(const task::DeleteObject& t, const Response& r, RpcContext& ctx,
                                              const PendingRpc&) {
    co_await ctx.db.Run([&] { ctx.parameters.RemoveSubtree(ctx.device, t.object); });
    Completion c = Done({{"status", r.status}});
    if (!t.remote_login.empty()) c.history_action = "devices.remote_login_user_removed";
    co_return c;
  }
};

template <>
struct RpcEntry<task::Reboot> {
  using Response = RebootResponse;
  static asio::awaitable<Result<std::string>> Encode(const task::Reboot&, RpcContext&,
                                                     const HeaderOut& header, PendingRpc& pending) {
    pending.ends_session = true;
    co_return EncodeReboot(header, pending.task.command_key);
  }
  // Done once the device is back ("M Reboot" or "1 BOOT": TaskFlow::SettleOnInform).
  static asio::awaitable<Completion> Complete(const task::Reboot&, const Response&, RpcContext& ctx,
                                              const PendingRpc&) {
    co_return AwaitDevice(ctx.tasks.settings().reboot_timeout);
  }
};

template <>
struct RpcEntry<task::FactoryReset> {
  using Response = FactoryResetResponse;
  static asio::awaitable<Result<std::string>> Encode(const task::FactoryReset&, RpcContext&,
                                                     const HeaderOut& header, PendingRpc& pending) {
    pending.ends_session = true;
    co_return EncodeFactoryReset(header);
  }
  // Done once the device is back ("0 BOOTSTRAP" or "1 BOOT").
  static asio::awaitable<Completion> Complete(const task::FactoryReset&, const Response&, RpcContext& ctx,
                                              const PendingRpc&) {
    co_return AwaitDevice(ctx.tasks.settings().reboot_timeout);
  }
};

template <>
struct RpcEntry<task::Download> {
  using Response = DownloadResponse;
  static asio::awaitable<Result<std::string>> Encode(const task::Download& t, RpcContext& ctx,
                                                     const HeaderOut& header, PendingRpc& pending) {
    auto file = co_await ctx.db.Run([&] { return ctx.tasks.FirmwareOf(ctx.company, t.file_id); });
    if (!file) co_return NotFound("The firmware file no longer exists.");
    // DEV-6: a URL of its own for this task, valid while the task runs.
    const std::string token = RandomToken(24);
    const std::string token_hash = Sha256Hex(token);
    co_await ctx.db.Run([&] { ctx.tasks.SetDownloadToken(pending.task.id, token_hash); });
    DownloadRequest d;
    d.command_key = pending.task.command_key;
    d.url = ctx.file_url_base + token;
    d.file_size = static_cast<std::uint32_t>(std::min<std::uint64_t>(file->size, UINT32_MAX));
    d.target_file_name = file->name;
    co_return EncodeDownload(header, d);
  }
  // Status 0: downloaded and applied; 1: done at the TransferComplete that follows.
  static asio::awaitable<Completion> Complete(const task::Download&, const Response& r, RpcContext& ctx,
                                              const PendingRpc&) {
    if (r.status != 0) co_return AwaitDevice(ctx.tasks.settings().download_timeout);
    co_return Done({{"start_time", r.start_time}, {"complete_time", r.complete_time}});
  }
};

json::object FaultJson(const CpeFault& f) {
  json::array per_parameter;
  for (const auto& p : f.set_parameter_values_faults)
    per_parameter.push_back(json::object{{"parameter", p.parameter_name},
                                         {"code", p.fault_code},
                                         {"string", p.fault_string},
                                         {"meaning", CwmpFaultMeaning(p.fault_code)}});
  return json::object{{"set_parameter_values_faults", std::move(per_parameter)}};
}

Completion Failed(const CpeFault& fault) {
  Completion c;
  c.outcome.state = TaskState::kFailed;
  c.outcome.fault_code = fault.fault_code;
  c.outcome.fault_string =
      fault.fault_string.empty() ? std::string(CwmpFaultMeaning(fault.fault_code)) : fault.fault_string;
  if (!fault.set_parameter_values_faults.empty()) c.outcome.result = json::serialize(FaultJson(fault));
  return c;
}

Completion Unexpected(const Rpc& answer) {
  Completion c;
  c.outcome.state = TaskState::kFailed;
  c.outcome.error = "unexpected_response";
  c.outcome.fault_string = "The device answered with " +
                           (std::holds_alternative<EmptyPost>(answer) ? std::string("an empty message")
                                                                      : std::string(RpcName(answer))) +
                           ".";
  return c;
}

asio::awaitable<Completion> Ready(Completion c) {
  co_return c;
}

}  // namespace

asio::awaitable<Result<std::string>> EncodeTaskRpc(RpcContext& ctx, const HeaderOut& header,
                                                   PendingRpc& pending) {
  co_return co_await std::visit(
      [&](const auto& t) { return RpcEntry<std::decay_t<decltype(t)>>::Encode(t, ctx, header, pending); },
      pending.task.request);
}

asio::awaitable<Completion> CompleteTaskRpc(RpcContext& ctx, const PendingRpc& pending, const Rpc& answer) {
  if (const auto* fault = std::get_if<CpeFault>(&answer)) co_return Failed(*fault);
  co_return co_await std::visit(
      [&](const auto& t) -> asio::awaitable<Completion> {
        using Entry = RpcEntry<std::decay_t<decltype(t)>>;
        if (const auto* response = std::get_if<typename Entry::Response>(&answer))
          return Entry::Complete(t, *response, ctx, pending);
        return Ready(Unexpected(answer));
      },
      pending.task.request);
}

}  // namespace kanri::cwmp
