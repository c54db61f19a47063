package dev.latchkey.server;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.latchkey.api.AuthException;
import dev.latchkey.api.ErrorCode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** When the server points the email provider's links at its own pages, and when it leaves them alone. */
class HostedPageLinksTest {
    private static final String BASE = "http://127.0.0.1:8080";
    private static final String SMTP = "\"smtp\": { \"host\": \"127.0.0.1\", \"security\": \"none\", \"from\": \"a@example.com\" }";

    private static JsonObject section(String engineJson) {
        return JsonParser.parseString(HostedPageLinks.fill(engineJson, BASE)).getAsJsonObject()
                .getAsJsonObject("providers").getAsJsonObject("local-userpass");
    }

    private static String userpass(String settings) {
        return "{ \"providers\": { \"local-userpass\": { \"enabled\": true, " + SMTP + settings + " } } }";
    }

    @Test
    void withMailAndNoUrls_bothLinksPointAtTheHostedPages() {
        JsonObject s = section(userpass(""));
        assertThat(s.get("emailConfirmationUrl").getAsString()).isEqualTo(BASE + "/pages/confirm-email");
        assertThat(s.get("resetPasswordUrl").getAsString()).isEqualTo(BASE + "/pages/reset-password");
    }

    @Test
    void urlsTheConfigurationSets_areKept() {
        JsonObject s = section(userpass(", \"emailConfirmationUrl\": \"https://app.example.com/c\","
                + " \"resetPasswordUrl\": \"https://app.example.com/r\""));
        assertThat(s.get("emailConfirmationUrl").getAsString()).isEqualTo("https://app.example.com/c");
        assertThat(s.get("resetPasswordUrl").getAsString()).isEqualTo("https://app.example.com/r");
    }

    @Test
    void anotherWayOfConfirming_getsOnlyTheResetPage() {
        for (String mode : new String[] {", \"autoConfirm\": true", ", \"runConfirmationFunction\": true"}) {
            JsonObject s = section(userpass(mode));
            assertThat(s.has("emailConfirmationUrl")).as(mode).isFalse();
            assertThat(s.get("resetPasswordUrl").getAsString()).isEqualTo(BASE + "/pages/reset-password");
        }
    }

    @Test
    void aResetFunction_orAnExplicitNull_keepsTheResetPageOff() {
        assertThat(section(userpass(", \"runResetFunction\": true")).has("resetPasswordUrl")).isFalse();
        JsonObject off = section(userpass(", \"resetPasswordUrl\": null"));
        assertThat(off.get("resetPasswordUrl").isJsonNull()).isTrue();
        assertThat(off.get("emailConfirmationUrl").getAsString()).isEqualTo(BASE + "/pages/confirm-email");
    }

    @Test
    void withoutSmtp_orDisabled_orAbsent_nothingChanges() {
        String noSmtp = "{ \"providers\": { \"local-userpass\": { \"enabled\": true, \"autoConfirm\": true } } }";
        String disabled = "{ \"providers\": { \"local-userpass\": { \"enabled\": false, " + SMTP + " } } }";
        String absent = "{ \"providers\": { \"anon-user\": { \"enabled\": true } } }";
        for (String json : new String[] {noSmtp, disabled, absent, "{}", "not json"}) {
            assertThat(HostedPageLinks.fill(json, BASE)).isEqualTo(json);
        }
    }

    @Test
    void aPlainHttpBaseOnAnotherHost_isAConfigurationErrorThatSaysWhatToSet() {
        assertThatThrownBy(() -> HostedPageLinks.fill(userpass(""), "http://auth.example.com"))
                .isInstanceOf(AuthException.class)
                .satisfies(e -> assertThat(((AuthException) e).code()).isEqualTo(ErrorCode.CONFIGURATION))
                .hasMessageContaining("server.publicUrl").hasMessageContaining("emailConfirmationUrl");
        assertThat(section(userpass("")).toString()).contains("127.0.0.1");
        assertThat(HostedPageLinks.fill(userpass(""), "https://auth.example.com")).contains("https://auth.example.com/pages/reset-password");
        assertThat(HostedPageLinks.fill(userpass(""), "http://localhost:9000")).contains("http://localhost:9000/pages/confirm-email");
    }

    @Test
    void anExplicitNullResetUrl_startsAServerWithoutResetByMail(@TempDir Path data) throws Exception {
        try (dev.latchkey.testkit.mail.FakeMailbox mailbox = dev.latchkey.testkit.mail.FakeMailbox.start()) {
            String config = PagesFixture.config(mailbox).replace("\"enabled\": true,", "\"enabled\": true, \"resetPasswordUrl\": null,");
            try (TestServer server = TestServer.start(data, config)) {
                TestServer.Reply r = server.post(TestServer.APP + "/auth/providers/local-userpass/reset/send",
                        "{\"email\":\"" + PagesFixture.newEmail() + "\"}");
                assertThat(r.status()).isEqualTo(400);
                assertThat(r.text()).contains("resetPasswordUrl");
            }
        }
    }

    @Test
    void aServerWithAPlainHttpPublicUrl_refusesToStart_andSaysWhy(@TempDir Path data) {
        String config = "{ \"server\": { \"publicUrl\": \"http://auth.example.com\" }, " + userpass("").substring(1);
        assertThatThrownBy(() -> LatchkeyServer.start(ServerOptions.defaults().withPort(0).withDataDirectory(data)
                .withConfigJson(config)))
                .isInstanceOf(AuthException.class).hasMessageContaining("server.publicUrl");
    }

    @Test
    void aServerWithAnHttpsPublicUrl_mailsLinksToIt(@TempDir Path data) throws Exception {
        try (dev.latchkey.testkit.mail.FakeMailbox mailbox = dev.latchkey.testkit.mail.FakeMailbox.start()) {
            String config = "{ \"server\": { \"publicUrl\": \"https://auth.example.com\" }, "
                    + PagesFixture.config(mailbox).strip().substring(1);
            try (TestServer server = TestServer.start(data, config)) {
                String email = PagesFixture.newEmail();
                JsonObject body = new JsonObject();
                body.addProperty("email", email);
                body.addProperty("password", PagesFixture.PASSWORD);
                assertThat(server.post(TestServer.APP + "/auth/providers/local-userpass/register", body.toString()).status())
                        .isEqualTo(201);
                assertThat(mailbox.awaitMessageTo(email, PagesFixture.MAIL_WAIT).link("https://auth.example.com/pages/confirm-email?")
                        .queryParameter("tokenId")).isNotBlank();
            }
        }
    }
}
