#include "devices/contact_writer.h"

#include "base/log.h"

namespace kanri::devices {

ContactWriter::ContactWriter(db::Database& db, Settings settings)
    : db_(db), settings_(settings), thread_([this] { Loop(); }) {}

void ContactWriter::Record(Contact contact) {
  std::unique_lock lock(mu_);
  // Bounded memory: while the database is behind, an Inform waits for the batch in writing.
  written_.wait(lock, [&] { return pending_.size() < settings_.max_pending || stopping_; });
  if (stopping_) {
    lock.unlock();
    Write({{contact.device_id, contact}});
    return;
  }
  auto [it, inserted] = pending_.try_emplace(contact.device_id, contact);
  if (!inserted && it->second.t <= contact.t) it->second = std::move(contact);
  ++recorded_;
  if (pending_.size() >= settings_.batch) wake_.notify_one();
}

void ContactWriter::Flush() {
  std::unique_lock lock(mu_);
  const std::uint64_t target = recorded_;
  if (done_ >= target) return;
  flush_requested_ = true;
  wake_.notify_one();
  written_.wait(lock, [&] { return done_ >= target; });
}

void ContactWriter::Stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  wake_.notify_one();
  if (thread_.joinable()) thread_.join();
}

std::size_t ContactWriter::pending() const {
  std::lock_guard lock(mu_);
  return pending_.size();
}

void ContactWriter::Loop() {
  std::unique_lock lock(mu_);
  for (;;) {
    wake_.wait_for(lock, settings_.interval,
                   [&] { return stopping_ || flush_requested_ || pending_.size() >= settings_.batch; });
    const bool last = stopping_;
    flush_requested_ = false;
    if (!pending_.empty()) {
      std::unordered_map<std::string, Contact> batch;
      batch.swap(pending_);
      const std::uint64_t covered = recorded_;
      lock.unlock();
      const bool ok = Write(batch);
      lock.lock();
      if (!ok && !last) {
        // Kept for the next batch, unless a newer contact of the device came meanwhile.
        for (auto& [id, c] : batch) {
          auto [it, inserted] = pending_.try_emplace(id, std::move(c));
          if (!inserted && it->second.t < c.t) it->second = std::move(c);
        }
      }
      done_ = covered;
    } else {
      done_ = recorded_;
    }
    written_.notify_all();
    if (last) return;
  }
}

bool ContactWriter::Write(const std::unordered_map<std::string, Contact>& batch) {
  struct Update : db::CachedStatement {
    long long t = 0, online_until = 0;
    std::string events, ip, id;
    soci::statement statement;
    explicit Update(soci::session& sql)
        : statement((sql.prepare << "UPDATE devices SET last_contact_at = :t, online_until = :ou, "
                                    "last_events = :ev, source_ip = :ip, updated_at = :t2 "
                                    "WHERE id = :id AND last_contact_at <= :t3",
                     soci::use(t), soci::use(online_until), soci::use(events), soci::use(ip), soci::use(t),
                     soci::use(id), soci::use(t))) {}
  };
  try {
    auto lease = db_.Acquire();
    db::WriteTransaction tx(lease);
    auto& q = lease.Cached<Update>("contact_writer.update",
                                   [](soci::session& sql) { return std::make_unique<Update>(sql); });
    for (const auto& [id, c] : batch) {
      q.t = c.t;
      q.online_until = c.online_until;
      q.events = c.events;
      q.ip = c.source_ip;
      q.id = id;
      q.statement.execute(true);
    }
    tx.Commit();
    return true;
  } catch (const std::exception& e) {
    LogError("writing device contacts failed",
             {{"devices", static_cast<std::int64_t>(batch.size())}, {"error", e.what()}});
    return false;
  }
}

}  // namespace kanri::devices
