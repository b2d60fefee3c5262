#include "http/digest.h"

#include <gtest/gtest.h>

#include "base/crypto.h"

namespace kanri::http {
namespace {

const Timestamp kT0 = FromUnixMillis(1'741'564'800'000);  // 2025-03-10T00:00:00Z

TEST(Digest, DEV_4_Rfc7616Section391Md5Example) {
  EXPECT_EQ(DigestResponse(DigestAlgorithm::kMd5, "Mufasa", "http-auth@example.org", "Circle of Life", "GET",
                           "/dir/index.html", "7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", "00000001",
                           "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ", "auth"),
            "8ca523f5e9506fed4657c9700eebdbec");
  EXPECT_EQ(DigestResponse(DigestAlgorithm::kSha256, "Mufasa", "http-auth@example.org", "Circle of Life",
                           "GET", "/dir/index.html", "7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v",
                           "00000001", "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ", "auth"),
            "753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1");
}

TEST(Digest, DEV_4_Rfc2617Example) {
  const char* header =
      "Digest username=\"Mufasa\",\n realm=\"testrealm@host.com\", "
      "nonce=\"dcd98b7102dd2f0e8b11d0f600bfb0c093\", "
      "uri=\"/dir/index.html\", qop=auth, nc=00000001, cnonce=\"0a4f113b\", "
      "response=\"6629fae49393a05397450978507c4ef1\", opaque=\"5ccc069c403ebaf9f0171e9517f40e41\"";
  // Header folding is not HTTP/1.1 any more; the same without the newline:
  std::string value = header;
  value.erase(value.find('\n'), 1);
  auto c = ParseDigestAuthorization(value);
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->username, "Mufasa");
  EXPECT_EQ(c->nc, "00000001");
  EXPECT_EQ(c->qop, "auth");
  EXPECT_EQ(DigestResponse(c->algorithm, c->username, c->realm, "Circle Of Life", "GET", c->uri, c->nonce,
                           c->nc, c->cnonce, c->qop),
            c->response);
}

TEST(Digest, DEV_4_Rfc2069WithoutQop) {
  // RFC 2069: response = MD5(HA1:nonce:HA2) with the RFC 2617 inputs, where
  // HA1 = 939e7578ed9e3c518a452acee763bce9 and HA2 = 39aff3a2bab6126f332b942af96d3366.
  AuthChallenge challenge{"digest",
                          {{"realm", "testrealm@host.com"}, {"nonce", "dcd98b7102dd2f0e8b11d0f600bfb0c093"}}};
  auto client = DigestClient::FromChallenge(challenge, "Mufasa", "Circle Of Life");
  ASSERT_TRUE(client);
  auto c = ParseDigestAuthorization(client->Authorization("GET", "/dir/index.html"));
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->qop, "");
  EXPECT_EQ(c->cnonce, "");
  EXPECT_EQ(c->response,
            DigestResponse(DigestAlgorithm::kMd5, "Mufasa", "testrealm@host.com", "Circle Of Life", "GET",
                           "/dir/index.html", "dcd98b7102dd2f0e8b11d0f600bfb0c093", "", "", ""));
  EXPECT_EQ(c->response, "670fd8c2df070c60b045671b8b24ff02");
}

TEST(Digest, ParsesSeveralChallengesInOneHeader) {
  auto r = ParseAuthChallenges(
      "Newauth realm=\"apps\", type=1, title=\"Login to \\\"apps\\\"\", Basic realm=\"simple\", "
      "Digest realm=\"d\", qop=\"auth,auth-int\", nonce=abc, Negotiate YWJj==, Bearer");
  ASSERT_TRUE(r) << r.error().message;
  ASSERT_EQ(r->size(), 5u);
  EXPECT_EQ((*r)[0].scheme, "newauth");
  EXPECT_EQ(*(*r)[0].Param("title"), "Login to \"apps\"");
  EXPECT_EQ((*r)[1].scheme, "basic");
  EXPECT_EQ(*(*r)[1].Param("realm"), "simple");
  EXPECT_EQ((*r)[2].scheme, "digest");
  EXPECT_EQ(*(*r)[2].Param("qop"), "auth,auth-int");
  EXPECT_EQ(*(*r)[2].Param("nonce"), "abc");
  EXPECT_EQ(*(*r)[3].Param("token68"), "YWJj==");
  EXPECT_EQ((*r)[4].scheme, "bearer");
}

TEST(Digest, ParsesChallengesFromSeveralHeaders) {
  auto r = ParseAuthChallenges(
      std::vector<std::string>{"Basic realm=\"x\"", "garbage \"", "Digest realm=\"y\", nonce=\"n\""});
  ASSERT_EQ(r.size(), 2u);
  auto answer = AnswerChallenges(r, "u", "p");
  ASSERT_TRUE(answer);
  EXPECT_TRUE(answer->digest);
  auto basic_only = AnswerChallenges({r[0]}, "u", "p");
  ASSERT_TRUE(basic_only);
  EXPECT_EQ(*basic_only->basic, "Basic dTpw");
  EXPECT_FALSE(AnswerChallenges({AuthChallenge{"bearer", {}}}, "u", "p"));
}

TEST(Digest, BadInputIsAnErrorNotACrash) {
  for (std::string_view bad :
       {"", "   ", ",,,", "realm=\"x\"", "Digest realm=\"unterminated", "Digest realm=\"x\" nonce=\"y\"",
        "Digest realm=\"x\", realm=\"y\"", "Digest nonce=abc, realm=", "Digest realm=\"a\\", "Digest =x",
        "Digest realm=a\"b", "Digest realm=\"\x01\""}) {
    EXPECT_FALSE(ParseAuthChallenges(bad)) << bad;
  }
  EXPECT_FALSE(ParseAuthChallenges(std::string(9000, 'a')));
  // Missing fields, wrong scheme, bad algorithm, bad nc.
  EXPECT_FALSE(ParseDigestAuthorization("Basic dTpw"));
  EXPECT_FALSE(ParseDigestAuthorization("Digest username=u, realm=r, nonce=n, uri=/"));
  EXPECT_FALSE(
      ParseDigestAuthorization("Digest username=u, realm=r, nonce=n, uri=/, response=x, algorithm=SHA-1"));
  EXPECT_FALSE(ParseDigestAuthorization("Digest username=u, realm=r, nonce=n, uri=/, response=x, qop=auth"));
  EXPECT_FALSE(ParseDigestAuthorization(
      "Digest username=u, realm=r, nonce=n, uri=/, response=x, qop=auth, nc=1, cnonce=c"));
  // Every truncation of a valid header parses or fails cleanly.
  std::string good =
      "Digest username=\"Mufasa\", realm=\"r\", nonce=\"n\", uri=\"/a\", qop=auth, nc=00000001, "
      "cnonce=\"c\\\"q\", response=\"abc\", opaque=\"o\"";
  for (std::size_t i = 0; i <= good.size(); ++i) (void)ParseDigestAuthorization(good.substr(0, i));
  auto parsed = ParseDigestAuthorization(good);
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->cnonce, "c\"q");
}

TEST(Digest, AnyOrderAndUnquotedValues) {
  auto c = ParseDigestAuthorization(
      "digest RESPONSE=abc,uri=/cwmp?x=1 ,nonce=n, realm=r,username=\"u\",ALGORITHM=md5");
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->uri, "/cwmp?x=1");
  EXPECT_EQ(c->response, "abc");
  EXPECT_EQ(c->algorithm, DigestAlgorithm::kMd5);
}

class DigestServer : public ::testing::Test {
 protected:
  DigestServer() { InitCrypto(); }
  DigestAuthenticator server{std::string(32, 'k'), {.realm = "kanri"}};

  DigestCredentials Answer(const std::string& challenge, const std::string& password,
                           const std::string& uri = "/") {
    auto parsed = ParseAuthChallenges(challenge);
    EXPECT_TRUE(parsed);
    auto client = DigestClient::FromChallenge((*parsed)[0], "cpe", password);
    EXPECT_TRUE(client);
    auto creds = ParseDigestAuthorization(client->Authorization("POST", uri));
    EXPECT_TRUE(creds);
    return *creds;
  }
};

TEST_F(DigestServer, DEV_1_ChallengeAnsweredByTheClientVerifies) {
  std::string challenge = server.Challenge(kT0);
  EXPECT_NE(challenge.find("qop=\"auth\""), std::string::npos);
  EXPECT_NE(challenge.find("algorithm=MD5"), std::string::npos);
  EXPECT_EQ(challenge.find("stale"), std::string::npos);
  auto creds = Answer(challenge, "secret");
  EXPECT_EQ(server.Verify(creds, "POST", "/", "secret", kT0 + std::chrono::seconds{1}),
            DigestAuthenticator::Verdict::kOk);
  EXPECT_EQ(server.Verify(creds, "POST", "/", "wrong", kT0), DigestAuthenticator::Verdict::kInvalid);
  EXPECT_EQ(server.Verify(creds, "GET", "/", "secret", kT0), DigestAuthenticator::Verdict::kInvalid);
  EXPECT_EQ(server.Verify(creds, "POST", "/other", "secret", kT0), DigestAuthenticator::Verdict::kInvalid);
}

TEST_F(DigestServer, DEV_1_NonceExpiresAsStaleAndAnotherNodeVerifies) {
  auto creds = Answer(server.Challenge(kT0), "secret");
  DigestAuthenticator other_node{std::string(32, 'k'), {.realm = "kanri"}};
  EXPECT_EQ(other_node.Verify(creds, "POST", "/", "secret", kT0), DigestAuthenticator::Verdict::kOk);
  EXPECT_EQ(server.Verify(creds, "POST", "/", "secret", kT0 + std::chrono::minutes{6}),
            DigestAuthenticator::Verdict::kStale);
  // A stale nonce with the wrong password is plainly invalid.
  EXPECT_EQ(server.Verify(creds, "POST", "/", "wrong", kT0 + std::chrono::minutes{6}),
            DigestAuthenticator::Verdict::kInvalid);
  // Issued far in the future: not ours.
  EXPECT_EQ(server.Verify(creds, "POST", "/", "secret", kT0 - std::chrono::minutes{5}),
            DigestAuthenticator::Verdict::kInvalid);
  EXPECT_NE(server.Challenge(kT0, true).find("stale=true"), std::string::npos);
}

TEST_F(DigestServer, DEV_1_ForgedNonceOrOtherKeyIsRejected) {
  auto creds = Answer(server.Challenge(kT0), "secret");
  DigestAuthenticator other_key{std::string(32, 'x'), {.realm = "kanri"}};
  EXPECT_EQ(other_key.Verify(creds, "POST", "/", "secret", kT0), DigestAuthenticator::Verdict::kInvalid);
  // A client that makes up its own nonce.
  AuthChallenge fake{"digest",
                     {{"realm", "kanri"}, {"nonce", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"}, {"qop", "auth"}}};
  auto client = DigestClient::FromChallenge(fake, "cpe", "secret");
  ASSERT_TRUE(client);
  auto forged = ParseDigestAuthorization(client->Authorization("POST", "/"));
  ASSERT_TRUE(forged);
  EXPECT_EQ(server.Verify(*forged, "POST", "/", "secret", kT0), DigestAuthenticator::Verdict::kInvalid);
  // Without qop (RFC 2069) the server refuses: it announced qop=auth.
  AuthChallenge no_qop{"digest", {{"realm", "kanri"}, {"nonce", creds.nonce}}};
  auto old = DigestClient::FromChallenge(no_qop, "cpe", "secret");
  ASSERT_TRUE(old);
  auto old_creds = ParseDigestAuthorization(old->Authorization("POST", "/"));
  ASSERT_TRUE(old_creds);
  EXPECT_EQ(server.Verify(*old_creds, "POST", "/", "secret", kT0), DigestAuthenticator::Verdict::kInvalid);
}

TEST_F(DigestServer, AbsoluteUriNamesTheTarget) {
  auto creds = Answer(server.Challenge(kT0), "secret", "http://acs.example:7547/");
  EXPECT_EQ(server.Verify(creds, "POST", "/", "secret", kT0), DigestAuthenticator::Verdict::kOk);
}

TEST(DigestClientTest, NonceCountCountsAndCnonceChanges) {
  InitCrypto();
  AuthChallenge challenge{
      "digest",
      {{"realm", "r"}, {"nonce", "n"}, {"qop", "auth-int, auth"}, {"opaque", "o"}, {"algorithm", "MD5"}}};
  auto client = DigestClient::FromChallenge(challenge, "u", "p");
  ASSERT_TRUE(client);
  auto a = ParseDigestAuthorization(client->Authorization("GET", "/"));
  auto b = ParseDigestAuthorization(client->Authorization("GET", "/"));
  ASSERT_TRUE(a && b);
  EXPECT_EQ(a->nc, "00000001");
  EXPECT_EQ(b->nc, "00000002");
  EXPECT_NE(a->cnonce, b->cnonce);
  EXPECT_EQ(a->qop, "auth");
  EXPECT_EQ(a->opaque, "o");
  EXPECT_FALSE(DigestClient::FromChallenge({"digest", {{"realm", "r"}}}, "u", "p"));
  EXPECT_FALSE(
      DigestClient::FromChallenge({"digest", {{"realm", "r"}, {"nonce", "n"}, {"qop", "x"}}}, "u", "p"));
  EXPECT_FALSE(DigestClient::FromChallenge(
      {"digest", {{"realm", "r"}, {"nonce", "n"}, {"algorithm", "SHA-1"}}}, "u", "p"));
}

}  // namespace
}  // namespace kanri::http
