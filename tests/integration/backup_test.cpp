// DATA-4: `kanri backup` while the server runs, `kanri restore` into an empty data dir, and
// the backups a restore refuses (damaged, crafted, from a newer schema).
#include <filesystem>
#include <fstream>

#include "support/device_seed.h"
#include "support/kanri_fixture.h"
#include "support/sqlite_file.h"

namespace kanri::testing {
namespace {

namespace fs = std::filesystem;

class Backups : public TenantTest {
 protected:
  std::string Db() { return server().data_dir() + "/kanri.db"; }

  // Every row of the tables the white paper names, as text, for comparing two databases.
  static std::vector<std::string> Contents(const std::string& db) {
    std::vector<std::string> out;
    for (const std::string q :
         {"SELECT id || code || name || contract_start FROM companies ORDER BY id",
          "SELECT id || login || email || kind || status || password_hash FROM accounts ORDER BY id",
          "SELECT id || name || auth_password_enc || parameters FROM device_profiles ORDER BY id",
          "SELECT id || company_id FROM device_allocations ORDER BY id",
          "SELECT id || serial_number || software_version FROM devices ORDER BY id",
          "SELECT chain || seq || hash FROM audit_records ORDER BY chain, seq"})
      for (auto& v : QueryColumn(db, q)) out.push_back(q.substr(7, 12) + ": " + v);
    return out;
  }

  std::string OnlyBackupIn(const std::string& dir) {
    std::vector<std::string> files;
    for (const auto& e : fs::directory_iterator(dir))
      if (e.path().extension() == ".gz") files.push_back(e.path().string());
    if (files.size() != 1) throw std::runtime_error("expected one backup in " + dir);
    return files[0];
  }

  // A tar.gz written by Python's tarfile, for backups Kanri would never write.
  static void Craft(const std::string& path, const std::string& manifest, const std::string& extra_name) {
    const std::string script = path + ".py";
    std::ofstream(script)
        << "import io, tarfile, sys\n"
           "t = tarfile.open(sys.argv[1], 'w:gz')\n"
           "def add(name, data):\n"
           "    i = tarfile.TarInfo(name); i.size = len(data); t.addfile(i, io.BytesIO(data))\n"
           "add('manifest.json', sys.argv[2].encode())\n"
           "if sys.argv[3]: add(sys.argv[3], b'x')\n"
           "t.close()\n";
    const std::string cmd =
        "/usr/bin/python3 '" + script + "' '" + path + "' '" + manifest + "' '" + extra_name + "'";
    if (std::system(cmd.c_str()) != 0) throw std::runtime_error("python3 could not write " + path);
  }
};

TEST_F(Backups, DATA_4_ABackupWhileTheServerRunsRestoresIntoAnEmptyDataDirWithTheSameData) {
  // Data of every kind the white paper names.
  site_admin().Post("/api/v1/allocations", R"({"company_id":")" + company_a_id() + R"(","oui":"00D09E"})");
  ASSERT_EQ(admin_a()
                .Post("/api/v1/profiles", R"({"name":"gw","match":{"oui":"00D09E"},
                   "device_auth":{"mode":"rotate","username":"bootstrap","password":"Boot-strap-Secret-42"}})")
                .status,
            201);
  CreateAccount(admin_a(), "hana", "general", "Hq5-garden-Pearl-30");
  SeedDevice(Db(), company_a_id(), {.serial = "BK0001"});

  const std::string dir = server().data_dir() + "/out";
  auto made = server().RunCli({"backup", "--to", dir});
  ASSERT_EQ(made.exit_code, 0) << made.Describe();
  const std::string file = OnlyBackupIn(dir);
  EXPECT_EQ(fs::status(file).permissions() & fs::perms::all, fs::perms::owner_read | fs::perms::owner_write);
  // The server kept running during the backup.
  EXPECT_EQ(NewClient()->Get("/healthz").status, 200);
  ASSERT_EQ(server().Stop(), 0);
  const auto before = Contents(Db());
  ASSERT_GT(before.size(), 10u);

  KanriProcess fresh;
  auto restored = fresh.RunCli({"restore", file});
  ASSERT_EQ(restored.exit_code, 0) << restored.Describe();
  EXPECT_NE(restored.out.find("intact"), std::string::npos) << restored.out;  // audit verify ran
  EXPECT_EQ(Contents(fresh.data_dir() + "/kanri.db"), before);
  // The keys came along: the restored service starts, and its history verifies.
  EXPECT_TRUE(fs::exists(fresh.data_dir() + "/keys"));
  fresh.Start();
  HttpsClient client{"127.0.0.1", fresh.api_port()};
  EXPECT_EQ(TryLogin(client, kCompanyACode, kAdminALogin, kAdminPassword).status, 200);
  EXPECT_EQ(fresh.Stop(), 0);
  EXPECT_EQ(fresh.RunCli({"audit", "verify"}).exit_code, 0);

  // A second restore into the same data dir is refused without --force …
  auto again = fresh.RunCli({"restore", file});
  EXPECT_EQ(again.exit_code, 2);
  EXPECT_NE(again.err.find("--force"), std::string::npos) << again.Describe();
  // … and with it, what was there is moved aside, not deleted.
  auto forced = fresh.RunCli({"restore", file, "--force"});
  EXPECT_EQ(forced.exit_code, 0) << forced.Describe();
  EXPECT_NE(forced.out.find("pre-restore-"), std::string::npos);
}

TEST_F(Backups, DATA_4_ADamagedOrCraftedBackupRestoresNothing) {
  const std::string dir = server().data_dir() + "/out";
  ASSERT_EQ(server().RunCli({"backup", "--to", dir}).exit_code, 0);
  const std::string good = OnlyBackupIn(dir);
  ASSERT_EQ(server().Stop(), 0);

  // Cut short.
  const std::string cut = dir + "/cut.tar.gz";
  fs::copy_file(good, cut);
  fs::resize_file(cut, fs::file_size(cut) / 2);
  // Crafted: a path outside the data dir; a newer schema; not a Kanri backup at all.
  const std::string escape = dir + "/escape.tar.gz", newer = dir + "/newer.tar.gz",
                    other = dir + "/other.tar.gz";
  Craft(escape,
        R"({"format":"kanri-backup","format_version":1,"created_at":"x","schema_version":1,"files":[]})",
        "../../evil");
  Craft(newer,
        R"({"format":"kanri-backup","format_version":1,"created_at":"x","schema_version":999,"files":[]})",
        "");
  Craft(other, R"({"hello":"world"})", "");

  for (const auto& [file, says] :
       std::vector<std::pair<std::string, std::string>>{{cut, "damaged"},
                                                        {escape, "cannot hold"},
                                                        {newer, "newer Kanri"},
                                                        {other, "not a Kanri backup"}}) {
    KanriProcess fresh;
    auto r = fresh.RunCli({"restore", file});
    EXPECT_EQ(r.exit_code, 2) << file << "\n" << r.Describe();
    EXPECT_NE(r.err.find(says), std::string::npos) << r.Describe();
    EXPECT_FALSE(fs::exists(fresh.data_dir() + "/kanri.db")) << file;
    EXPECT_FALSE(fs::exists(fs::path(fresh.data_dir()).parent_path() / "evil"));
  }
}

TEST_F(Backups, DATA_4_TheBackupJobKeepsSevenDaysOfBackups) {
  ASSERT_EQ(server().Stop(), 0);
  const std::string dir = server().data_dir() + "/backups";
  for (const std::string now : {"2026-01-01T00:00:00Z", "2026-01-05T00:00:00Z", "2026-01-09T00:00:00Z"}) {
    auto r = server().RunCli({"jobs", "run", "backup", "--now", now});
    ASSERT_EQ(r.exit_code, 0) << r.Describe();
  }
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(dir)) names.push_back(e.path().filename().string());
  std::sort(names.begin(), names.end());
  // The one of 1 January is older than 7 days on 9 January: deleted.
  EXPECT_EQ(names, (std::vector<std::string>{"kanri-backup-20260105T000000Z.tar.gz",
                                             "kanri-backup-20260109T000000Z.tar.gz"}));
}

}  // namespace
}  // namespace kanri::testing
