package dev.latchkey.server;

import com.google.gson.JsonObject;
import dev.latchkey.testkit.mail.FakeMailbox;
import okhttp3.FormBody;
import okhttp3.Headers;
import okhttp3.Request;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;

import static dev.latchkey.server.TestServer.APP;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A real server whose {@code local-userpass} provider mails confirmation and reset links to a
 * {@link FakeMailbox}, with no link URLs in its configuration: the server points them at its
 * hosted pages. Helpers register accounts, fetch the mailed links and post the pages' forms.
 */
final class PagesFixture implements AutoCloseable {
    static final String PASSWORD = "correct horse battery";
    static final Duration MAIL_WAIT = Duration.ofSeconds(20);

    final FakeMailbox mailbox;
    final TestServer server;

    private PagesFixture(FakeMailbox mailbox, TestServer server) {
        this.mailbox = mailbox;
        this.server = server;
    }

    static PagesFixture start(Path data) {
        FakeMailbox mailbox = FakeMailbox.start();
        try {
            // Each test mails several links from one address: more than the server's per-client mail burst.
            String config = "{ \"server\": { \"rateLimit\": { \"mailBurst\": 100 } }, " + config(mailbox).strip().substring(1);
            return new PagesFixture(mailbox, TestServer.start(data, config));
        } catch (RuntimeException e) {
            mailbox.close();
            throw e;
        }
    }

    static String config(FakeMailbox mailbox) {
        return """
                { "providers": { "local-userpass": { "enabled": true, "minPasswordLength": 8,
                    "smtp": { "host": "%s", "port": %d, "security": "none", "from": "no-reply@example.com" } } } }
                """.formatted(mailbox.host(), mailbox.port());
    }

    static String newEmail() {
        return "user-" + UUID.randomUUID() + "@example.com";
    }

    String confirmPage() {
        return server.server.url() + HostedPages.CONFIRM_PATH;
    }

    String resetPage() {
        return server.server.url() + HostedPages.RESET_PATH;
    }

    /** Registers over the JSON API and returns the confirmation link it mailed. */
    String registerAndGetConfirmationLink(String email) throws IOException {
        JsonObject body = new JsonObject();
        body.addProperty("email", email);
        body.addProperty("password", PASSWORD);
        assertThat(server.post(APP + "/auth/providers/local-userpass/register", body.toString()).status()).isEqualTo(201);
        return mailbox.awaitMessageTo(email, MAIL_WAIT).link(confirmPage()).url();
    }

    /** Asks for a reset mail over the JSON API and returns its link. */
    String sendResetAndGetLink(String email) throws IOException {
        JsonObject body = new JsonObject();
        body.addProperty("email", email);
        assertThat(server.post(APP + "/auth/providers/local-userpass/reset/send", body.toString()).status()).isEqualTo(204);
        return mailbox.awaitMessageTo(email, MAIL_WAIT).link(resetPage()).url();
    }

    /** A confirmed account, by way of the hosted page. */
    String confirmedAccount() throws IOException {
        String email = newEmail();
        ReceivedLink link = ReceivedLink.of(registerAndGetConfirmationLink(email));
        assertThat(postForm(HostedPages.CONFIRM_PATH, link.form().build(), sameOrigin()).status()).isEqualTo(200);
        return email;
    }

    int logInStatus(String email, String password) throws IOException {
        return server.logIn("local-userpass", TestServer.emailPassword(email, password)).status();
    }

    /** What a browser sends with a form post from one of the pages: our no-referrer policy makes its Origin "null". */
    static Headers sameOrigin() {
        return Headers.of("Sec-Fetch-Site", "same-origin", "Origin", "null");
    }

    TestServer.Reply postForm(String path, FormBody form, Headers headers) throws IOException {
        return server.send(new Request.Builder().url(server.server.url() + path).headers(headers).post(form).build());
    }

    TestServer.Reply getPage(String url) throws IOException {
        return server.send(new Request.Builder().url(url).get().build());
    }

    @Override
    public void close() {
        try {
            server.close();
        } finally {
            mailbox.close();
        }
    }

    /** A mailed link's token and id. */
    record ReceivedLink(String token, String tokenId) {
        static ReceivedLink of(String url) {
            dev.latchkey.testkit.mail.ReceivedMail.Link link = new dev.latchkey.testkit.mail.ReceivedMail.Link(url);
            return new ReceivedLink(link.queryParameter("token"), link.queryParameter("tokenId"));
        }

        FormBody.Builder form() {
            return new FormBody.Builder().add("token", token).add("tokenId", tokenId);
        }

        @Override
        public String toString() {
            return "ReceivedLink[hidden]";
        }
    }
}
