package dev.latchkey.server;

import okhttp3.FormBody;
import okhttp3.Headers;
import okhttp3.MediaType;
import okhttp3.Request;
import okhttp3.RequestBody;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static dev.latchkey.server.PagesFixture.PASSWORD;
import static dev.latchkey.server.PagesFixture.newEmail;
import static dev.latchkey.server.PagesFixture.sameOrigin;
import static org.assertj.core.api.Assertions.assertThat;

/** The hosted confirmation and reset pages over real HTTP: every branch, and what a hostile client sends. */
class HostedPagesTest {
    private static final MediaType FORM = MediaType.get("application/x-www-form-urlencoded");

    @TempDir
    static Path data;
    static PagesFixture pages;

    @BeforeAll
    static void start() {
        pages = PagesFixture.start(data);
    }

    @AfterAll
    static void stop() {
        pages.close();
    }

    private static PagesFixture.ReceivedLink confirmationLink(String email) throws IOException {
        return PagesFixture.ReceivedLink.of(pages.registerAndGetConfirmationLink(email));
    }

    private static TestServer.Reply postConfirm(PagesFixture.ReceivedLink link, Headers headers) throws IOException {
        return pages.postForm(HostedPages.CONFIRM_PATH, link.form().build(), headers);
    }

    private static TestServer.Reply postReset(PagesFixture.ReceivedLink link, String password, String again) throws IOException {
        return pages.postForm(HostedPages.RESET_PATH, link.form().add("password", password).add("passwordAgain", again).build(),
                sameOrigin());
    }

    private static TestServer.Reply raw(String path, Headers headers, RequestBody body) throws IOException {
        return pages.server.send(new Request.Builder().url(pages.server.server.url() + path).headers(headers).post(body).build());
    }

    private static void assertPageHeaders(TestServer.Reply r) {
        assertThat(r.headers().get("Content-Type")).isEqualTo("text/html;charset=utf-8");
        assertThat(r.headers().get("Content-Security-Policy"))
                .matches("default-src 'none'; style-src 'sha256-[A-Za-z0-9+/]{43}='; form-action 'self'; frame-ancestors 'none';"
                        + " base-uri 'none'");
        assertThat(r.headers().get("Referrer-Policy")).isEqualTo("no-referrer");
        assertThat(r.headers().get("Cache-Control")).isEqualTo("no-store");
        assertThat(r.headers().get("X-Frame-Options")).isEqualTo("DENY");
        assertThat(r.headers().get("X-Content-Type-Options")).isEqualTo("nosniff");
        assertThat(r.text()).startsWith("<!DOCTYPE html>").doesNotContain("<script").doesNotContain("Exception")
                .doesNotContain("http://").doesNotContain("https://");
    }

    // ---- links

    @Test
    void mailedLinksOpenTheHostedPages_whenTheConfigurationNamesNoPages() throws Exception {
        String email = newEmail();
        String confirm = pages.registerAndGetConfirmationLink(email);
        assertThat(confirm).startsWith(pages.server.server.url() + "/pages/confirm-email?token=").contains("&tokenId=");
        postConfirm(PagesFixture.ReceivedLink.of(confirm), sameOrigin());
        assertThat(pages.sendResetAndGetLink(email)).startsWith(pages.server.server.url() + "/pages/reset-password?token=");
    }

    // ---- confirmation

    @Test
    void confirmGet_showsAButtonThatPostsTheTokenInHiddenFields_andDoesNotSpendIt() throws Exception {
        String email = newEmail();
        String url = pages.registerAndGetConfirmationLink(email);
        PagesFixture.ReceivedLink link = PagesFixture.ReceivedLink.of(url);

        TestServer.Reply first = pages.getPage(url);
        TestServer.Reply second = pages.getPage(url);

        assertThat(first.status()).isEqualTo(200);
        assertPageHeaders(first);
        assertThat(first.text())
                .contains("<form method=\"post\" action=\"/pages/confirm-email\"")
                .contains("<input type=\"hidden\" name=\"token\" value=\"" + link.token() + "\">")
                .contains("<input type=\"hidden\" name=\"tokenId\" value=\"" + link.tokenId() + "\">")
                .contains("id=\"confirm\"");
        assertThat(second.text()).isEqualTo(first.text());
        assertThat(pages.logInStatus(email, PASSWORD)).as("still unconfirmed after two GETs").isEqualTo(401);

        TestServer.Reply confirmed = postConfirm(link, sameOrigin());
        assertThat(confirmed.status()).isEqualTo(200);
        assertPageHeaders(confirmed);
        assertThat(confirmed.text()).contains("Email address confirmed").doesNotContain(link.token());
        assertThat(pages.logInStatus(email, PASSWORD)).isEqualTo(200);
    }

    @Test
    void confirmHead_answersWithoutABodyAndDoesNotSpendTheToken() throws Exception {
        String email = newEmail();
        String url = pages.registerAndGetConfirmationLink(email);
        TestServer.Reply head = pages.server.send(new Request.Builder().url(url).head().build());
        assertThat(head.status()).isEqualTo(200);
        assertThat(head.text()).isEmpty();
        assertThat(postConfirm(PagesFixture.ReceivedLink.of(url), sameOrigin()).status()).isEqualTo(200);
    }

    @Test
    void aUsedConfirmationLink_showsTheUsedOrExpiredPage_sameAsAMadeUpOne() throws Exception {
        PagesFixture.ReceivedLink link = confirmationLink(newEmail());
        assertThat(postConfirm(link, sameOrigin()).status()).isEqualTo(200);

        TestServer.Reply again = postConfirm(link, sameOrigin());
        TestServer.Reply madeUp = postConfirm(new PagesFixture.ReceivedLink("A".repeat(43), "0".repeat(32)), sameOrigin());

        assertThat(again.status()).isEqualTo(400);
        assertPageHeaders(again);
        assertThat(again.text()).contains(HostedPages.USED_TITLE).doesNotContain("<form").doesNotContain(link.token())
                .doesNotContain(link.tokenId());
        assertThat(madeUp.status()).isEqualTo(400);
        assertThat(madeUp.text()).as("a used and a made-up token cannot be told apart").isEqualTo(again.text());
    }

    @Test
    void aReplacedConfirmationLink_showsTheUsedOrExpiredPage() throws Exception {
        String email = newEmail();
        PagesFixture.ReceivedLink old = confirmationLink(email);
        assertThat(pages.server.post(TestServer.APP + "/auth/providers/local-userpass/confirm/send",
                "{\"email\":\"" + email + "\"}").status()).isEqualTo(204);
        PagesFixture.ReceivedLink fresh = PagesFixture.ReceivedLink.of(
                pages.mailbox.awaitMessageTo(email, PagesFixture.MAIL_WAIT).link(pages.confirmPage()).url());

        assertThat(postConfirm(old, sameOrigin()).text()).contains(HostedPages.USED_TITLE);
        assertThat(postConfirm(fresh, sameOrigin()).text()).contains("Email address confirmed");
    }

    // ---- reset

    @Test
    void reset_mismatchThenTooShortThenGood_thenOnlyTheNewPasswordWorks_andTheLinkIsUsed() throws Exception {
        String email = pages.confirmedAccount();
        String url = pages.sendResetAndGetLink(email);
        PagesFixture.ReceivedLink link = PagesFixture.ReceivedLink.of(url);

        TestServer.Reply form = pages.getPage(url);
        assertThat(form.status()).isEqualTo(200);
        assertPageHeaders(form);
        assertThat(form.text()).contains("action=\"/pages/reset-password\"").contains("type=\"password\" id=\"password\"")
                .contains("type=\"password\" id=\"passwordAgain\"").contains("value=\"" + link.token() + "\"")
                .doesNotContain("minlength").doesNotContain("maxlength");

        TestServer.Reply mismatch = postReset(link, "new password one", "new password two");
        assertThat(mismatch.status()).isEqualTo(400);
        assertPageHeaders(mismatch);
        assertThat(mismatch.text()).contains("The two passwords are not the same").contains("value=\"" + link.token() + "\"")
                .doesNotContain("new password one").doesNotContain("new password two");

        TestServer.Reply tooShort = postReset(link, "short", "short");
        assertThat(tooShort.status()).isEqualTo(400);
        assertThat(tooShort.text()).contains("A password needs at least 8 characters.").contains("<form")
                .doesNotContain("value=\"short\"");

        TestServer.Reply empty = postReset(link, "", "");
        assertThat(empty.status()).isEqualTo(400);
        assertThat(empty.text()).contains("Type your new password, twice.");

        TestServer.Reply tooLong = postReset(link, "x".repeat(129), "x".repeat(129));
        assertThat(tooLong.text()).contains("A password may have at most 128 characters.");

        assertThat(pages.logInStatus(email, PASSWORD)).as("refused resets change nothing").isEqualTo(200);

        TestServer.Reply done = postReset(link, "a much better password", "a much better password");
        assertThat(done.status()).isEqualTo(200);
        assertPageHeaders(done);
        assertThat(done.text()).contains("Password changed").doesNotContain("a much better password");
        assertThat(pages.logInStatus(email, "a much better password")).isEqualTo(200);
        assertThat(pages.logInStatus(email, PASSWORD)).isEqualTo(401);

        TestServer.Reply reused = postReset(link, "yet another password", "yet another password");
        assertThat(reused.status()).isEqualTo(400);
        assertThat(reused.text()).contains(HostedPages.USED_TITLE).doesNotContain("<form");
        assertThat(pages.logInStatus(email, "yet another password")).isEqualTo(401);
    }

    @Test
    void aResetLinkForAnUnconfirmedAccount_confirmsItToo() throws Exception {
        String email = newEmail();
        pages.registerAndGetConfirmationLink(email);
        PagesFixture.ReceivedLink link = PagesFixture.ReceivedLink.of(pages.sendResetAndGetLink(email));
        assertThat(postReset(link, "a fresh password", "a fresh password").status()).isEqualTo(200);
        assertThat(pages.logInStatus(email, "a fresh password")).isEqualTo(200);
    }

    // ---- hostile input

    @Test
    void scriptInTheLinksQuery_isEscapedInTheHiddenFields() throws Exception {
        String hostile = "\"><script>alert(1)</script>";
        String url = pages.confirmPage() + "?token=" + java.net.URLEncoder.encode(hostile, java.nio.charset.StandardCharsets.UTF_8)
                + "&tokenId=%27onmouseover%3D%27x";
        TestServer.Reply r = pages.getPage(url);
        assertThat(r.status()).isEqualTo(200);
        assertPageHeaders(r);
        assertThat(r.text()).doesNotContain("<script>").doesNotContain("'onmouseover")
                .contains("value=\"&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;\"")
                .contains("value=\"&#39;onmouseover=&#39;x\"");
    }

    @Test
    void scriptInThePostedToken_isEscapedWhenTheResetFormIsShownAgain() throws Exception {
        PagesFixture.ReceivedLink hostile = new PagesFixture.ReceivedLink("\"><img/src=x/onerror=alert(1)>", "'tokenId'");
        TestServer.Reply r = postReset(hostile, "one password", "another password");
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.text()).doesNotContain("<img").contains("value=\"&quot;&gt;&lt;img/src=x/onerror=alert(1)&gt;\"")
                .contains("value=\"&#39;tokenId&#39;\"");
    }

    @Test
    void incompleteOrImplausibleLinks_get400WithoutTheForm() throws Exception {
        String base = pages.confirmPage();
        for (String url : List.of(base, base + "?token=abc", base + "?tokenId=abc", base + "?token=&tokenId=x",
                base + "?token=" + "a".repeat(HostedPages.MAX_TOKEN_LENGTH + 1) + "&tokenId=x", base + "?token=a%20b&tokenId=x",
                base + "?token=%ZZ&tokenId=x", base + "?token=%FF&tokenId=x", pages.resetPage() + "?token=a&token=b&tokenId=x")) {
            TestServer.Reply r = pages.getPage(url);
            assertThat(r.status()).as(url).isEqualTo(400);
            assertPageHeaders(r);
            assertThat(r.text()).contains("This link is incomplete").doesNotContain("<form");
        }
        TestServer.Reply noTokenId = pages.postForm(HostedPages.CONFIRM_PATH, new FormBody.Builder().add("token", "abc").build(),
                sameOrigin());
        assertThat(noTokenId.status()).isEqualTo(400);
        assertThat(noTokenId.text()).contains("This link is incomplete");
    }

    @Test
    void malformedFormBodies_are400_andSpendNothing() throws Exception {
        PagesFixture.ReceivedLink link = confirmationLink(newEmail());
        String fields = "token=" + link.token() + "&tokenId=" + link.tokenId();
        for (String body : List.of(fields + "&x=%ZZ", fields + "&x=%F", fields + "&x=%FF%FE", fields + "&token=again",
                fields + "&x=a b", fields + "&x=\u00e9", fields + manyFields(dev.latchkey.server.FormBody.MAX_FIELDS))) {
            TestServer.Reply r = raw(HostedPages.CONFIRM_PATH, sameOrigin(),
                    RequestBody.create(body.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1), FORM));
            assertThat(r.status()).as(body.length() > 80 ? body.substring(0, 80) : body).isEqualTo(400);
            assertPageHeaders(r);
            assertThat(r.text()).contains("This form could not be read");
        }
        assertThat(postConfirm(link, sameOrigin()).status()).as("the token is still good").isEqualTo(200);
    }

    private static String manyFields(int count) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < count; i++) {
            sb.append("&f").append(i).append("=1");
        }
        return sb.toString();
    }

    @Test
    void aPasswordThatIsNotUtf8_isRefused_notReplacedWithSomethingElse() throws Exception {
        String email = pages.confirmedAccount();
        PagesFixture.ReceivedLink link = PagesFixture.ReceivedLink.of(pages.sendResetAndGetLink(email));
        String body = "token=" + link.token() + "&tokenId=" + link.tokenId() + "&password=abcdefgh%FF&passwordAgain=abcdefgh%FF";
        TestServer.Reply r = raw(HostedPages.RESET_PATH, sameOrigin(), RequestBody.create(body, FORM));
        assertThat(r.status()).isEqualTo(400);
        assertThat(pages.logInStatus(email, PASSWORD)).isEqualTo(200);
        assertThat(pages.logInStatus(email, "abcdefgh\ufffd")).isEqualTo(401);
    }

    @Test
    void formsLargerThanTheBound_are413_declaredOrChunked_andSpendNothing() throws Exception {
        PagesFixture.ReceivedLink link = confirmationLink(newEmail());
        String big = "token=" + link.token() + "&tokenId=" + link.tokenId() + "&pad=" + "a".repeat(HostedPages.MAX_FORM_BYTES);
        TestServer.Reply declared = raw(HostedPages.CONFIRM_PATH, sameOrigin(), RequestBody.create(big, FORM));
        assertThat(declared.status()).isEqualTo(413);
        assertPageHeaders(declared);

        RequestBody chunked = new RequestBody() {
            @Override
            public MediaType contentType() {
                return FORM;
            }

            @Override
            public long contentLength() {
                return -1;
            }

            @Override
            public void writeTo(okio.BufferedSink sink) throws IOException {
                sink.writeUtf8(big);
            }
        };
        assertThat(raw(HostedPages.CONFIRM_PATH, sameOrigin(), chunked).status()).isEqualTo(413);
        assertThat(postConfirm(link, sameOrigin()).status()).isEqualTo(200);
    }

    @Test
    void onlyUrlEncodedFormsAreTaken() throws Exception {
        PagesFixture.ReceivedLink link = confirmationLink(newEmail());
        String fields = "token=" + link.token() + "&tokenId=" + link.tokenId();
        String json = "{\"token\":\"" + link.token() + "\",\"tokenId\":\"" + link.tokenId() + "\"}";
        List<RequestBody> wrong = List.of(
                RequestBody.create(json, MediaType.get("application/json")),
                RequestBody.create(fields, MediaType.get("text/plain")),
                RequestBody.create(fields, MediaType.get("application/x-www-form-urlencoded; charset=iso-8859-1")),
                RequestBody.create(fields.getBytes(java.nio.charset.StandardCharsets.UTF_8), null),
                new okhttp3.MultipartBody.Builder().setType(okhttp3.MultipartBody.FORM)
                        .addFormDataPart("token", link.token()).addFormDataPart("tokenId", link.tokenId()).build());
        for (RequestBody body : wrong) {
            TestServer.Reply r = raw(HostedPages.CONFIRM_PATH, sameOrigin(), body);
            assertThat(r.status()).as(String.valueOf(body.contentType())).isEqualTo(415);
            assertPageHeaders(r);
        }
        TestServer.Reply withCharset = raw(HostedPages.CONFIRM_PATH, sameOrigin(),
                RequestBody.create(fields, MediaType.get("application/x-www-form-urlencoded; charset=UTF-8")));
        assertThat(withCharset.status()).isEqualTo(200);
    }

    @Test
    void crossSitePosts_areRefused_andSpendNothing() throws Exception {
        PagesFixture.ReceivedLink link = confirmationLink(newEmail());
        String self = pages.server.server.url();
        List<Headers> hostile = List.of(
                Headers.of("Sec-Fetch-Site", "cross-site", "Origin", "https://evil.example"),
                Headers.of("Sec-Fetch-Site", "cross-site", "Origin", "null"),
                Headers.of("Sec-Fetch-Site", "same-site"),
                Headers.of("Sec-Fetch-Site", "none"),
                Headers.of("Sec-Fetch-Site", "same-origin", "Origin", "https://evil.example"),
                Headers.of("Origin", "https://evil.example"),
                Headers.of("Origin", self.replace("http://", "https://")),
                Headers.of("Origin", self + "0"),
                Headers.of("Origin", "null"),
                Headers.of("Origin", "not a url"));
        for (Headers headers : hostile) {
            TestServer.Reply r = postConfirm(link, headers);
            assertThat(r.status()).as(headers.toString()).isEqualTo(403);
            assertPageHeaders(r);
            assertThat(r.text()).contains("This form cannot be sent from another site");
        }
        TestServer.Reply resetCrossSite = pages.postForm(HostedPages.RESET_PATH,
                link.form().add("password", "p").add("passwordAgain", "p").build(), Headers.of("Sec-Fetch-Site", "cross-site"));
        assertThat(resetCrossSite.status()).isEqualTo(403);
        assertThat(postConfirm(link, sameOrigin()).status()).as("the token is still good").isEqualTo(200);
    }

    @Test
    void sameOriginPosts_areTaken_fromABrowserOrFromAClientThatSendsNoBrowserHeaders() throws Exception {
        String self = pages.server.server.url();
        assertThat(postConfirm(confirmationLink(newEmail()), Headers.of("Origin", self)).status()).isEqualTo(200);
        assertThat(postConfirm(confirmationLink(newEmail()), Headers.of("Sec-Fetch-Site", "same-origin", "Origin", self)).status())
                .isEqualTo(200);
        assertThat(postConfirm(confirmationLink(newEmail()), Headers.of()).status()).isEqualTo(200);
        String localhost = self.replace("127.0.0.1", "localhost");
        assertThat(pages.server.send(new Request.Builder().url(localhost + HostedPages.CONFIRM_PATH).header("Origin", localhost)
                .post(confirmationLink(newEmail()).form().build()).build()).status()).as("came in as localhost").isEqualTo(200);
    }

    // ---- routing

    @Test
    void otherMethodsAre405_unknownPagesAre404_andTheApiIsStillThere() throws Exception {
        for (String method : List.of("PUT", "DELETE", "PATCH")) {
            TestServer.Reply r = pages.server.send(new Request.Builder().url(pages.confirmPage())
                    .method(method, RequestBody.create("", FORM)).build());
            assertThat(r.status()).as(method).isEqualTo(405);
            assertThat(r.headers().get("Allow")).isEqualTo("GET, HEAD, POST");
            assertPageHeaders(r);
        }
        for (String path : List.of("/pages/", "/pages/nope", "/pages/confirm-email/", "/pages/reset-password/x")) {
            TestServer.Reply r = pages.getPage(pages.server.server.url() + path);
            assertThat(r.status()).as(path).isEqualTo(404);
            assertPageHeaders(r);
        }
        TestServer.Reply api = pages.server.get(TestServer.APP + "/location", null);
        assertThat(api.status()).isEqualTo(200);
        assertThat(api.headers().get("Content-Type")).startsWith("application/json");
        assertThat(pages.server.get("/pagesX", null).headers().get("Content-Type")).startsWith("application/json");
    }

    @Test
    void aServerWithoutEmailPassword_saysThePagesAreNotAvailable(@TempDir Path otherData) throws Exception {
        try (TestServer other = TestServer.start(otherData, "{ \"providers\": { \"anon-user\": { \"enabled\": true } } }")) {
            TestServer.Reply r = other.send(new Request.Builder().url(other.server.url() + HostedPages.CONFIRM_PATH)
                    .headers(sameOrigin()).post(new FormBody.Builder().add("token", "a").add("tokenId", "b").build()).build());
            assertThat(r.status()).isEqualTo(404);
            assertThat(r.text()).contains("Not available");
        }
    }

    // ---- logs

    @Test
    void noTokenTokenIdOrPasswordReachesAnyLogLine() throws Exception {
        List<LogRecord> records = new ArrayList<>();
        Handler capture = new Handler() {
            @Override
            public synchronized void publish(LogRecord record) {
                // GreenMail (the fake mail server) traces the mail it received, link and all, when FINE is on
                // (as under the build-wide secret scan): that is the mail's recipient, not our server's log.
                if (record.getLoggerName() == null || !record.getLoggerName().startsWith("com.icegreen.greenmail.")) {
                    records.add(record);
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        capture.setLevel(Level.ALL);
        Logger root = Logger.getLogger("");
        Logger access = Logger.getLogger(AccessLog.LOGGER);
        Level accessLevel = access.getLevel();
        access.setLevel(Level.INFO);
        root.addHandler(capture);
        List<String> secrets = new ArrayList<>();
        try {
            String email = newEmail();
            String url = pages.registerAndGetConfirmationLink(email);
            PagesFixture.ReceivedLink confirm = PagesFixture.ReceivedLink.of(url);
            pages.getPage(url);
            postConfirm(confirm, sameOrigin());
            postConfirm(confirm, sameOrigin());
            String resetUrl = pages.sendResetAndGetLink(email);
            PagesFixture.ReceivedLink reset = PagesFixture.ReceivedLink.of(resetUrl);
            pages.getPage(resetUrl);
            postReset(reset, "tny#7q", "tny#7q");
            postReset(reset, "mismatched secret one", "mismatched secret two");
            postReset(reset, "the final secret password", "the final secret password");
            secrets.addAll(List.of(confirm.token(), confirm.tokenId(), reset.token(), reset.tokenId(), "tny#7q",
                    "mismatched secret", "the final secret password"));
        } finally {
            root.removeHandler(capture);
            access.setLevel(accessLevel);
        }
        List<String> lines = new ArrayList<>();
        synchronized (capture) {
            for (LogRecord r : records) {
                lines.add(new java.util.logging.SimpleFormatter().format(r));
            }
        }
        assertThat(lines).as("the access log saw the pages").anyMatch(l -> l.contains("\"path\":\"/pages/reset-password\""));
        for (String line : lines) {
            for (String secret : secrets) {
                assertThat(line).doesNotContain(secret);
            }
        }
    }
}
