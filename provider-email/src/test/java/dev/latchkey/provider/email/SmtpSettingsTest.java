package dev.latchkey.provider.email;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonDeserializer;
import com.google.gson.JsonPrimitive;
import com.google.gson.JsonSerializer;
import java.time.Duration;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** SMTP settings: defaults, bounds, and a password that never shows. */
class SmtpSettingsTest {
    private static final String PASSWORD = "pa55-W0rd-never-shown";
    /** Binds as the engine's settings binder does: Gson, durations as ISO-8601 strings. */
    private static final Gson GSON = new GsonBuilder()
            .registerTypeAdapter(Duration.class, (JsonDeserializer<Duration>) (json, type, ctx) -> Duration.parse(json.getAsString()))
            .registerTypeAdapter(Duration.class, (JsonSerializer<Duration>) (d, type, ctx) -> new JsonPrimitive(d.toString()))
            .create();

    private static SmtpSettings settings(String host, Integer port, String security, String username, String password, String from,
                                         Duration timeout, Integer maxAttempts, Duration retryDelay) {
        return new SmtpSettings(host, port, security, username, password, from, timeout, maxAttempts, retryDelay);
    }

    @Test
    void leftOutSettingsGetTheDefaults() {
        SmtpSettings s = GSON.fromJson("{\"host\": \"smtp.example.com\", \"from\": \"My App <no-reply@example.com>\"}", SmtpSettings.class);

        assertThat(s).isEqualTo(SmtpSettings.of("smtp.example.com", "My App <no-reply@example.com>"));
        assertThat(s.port()).isEqualTo(587);
        assertThat(s.security()).isEqualTo("starttls");
        assertThat(s.timeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(s.maxAttempts()).isEqualTo(3);
        assertThat(s.retryDelay()).isEqualTo(Duration.ofSeconds(2));
        assertThat(s.configured()).isTrue();
        assertThat(s.authenticates()).isFalse();
    }

    @Test
    void withoutAHostMailIsNotConfigured() {
        SmtpSettings s = GSON.fromJson("{}", SmtpSettings.class);

        assertThat(s.configured()).isFalse();
        assertThat(s.from()).isNull();
    }

    @Test
    void thePortDefaultsBySecurity() {
        assertThat(settings("h", null, "tls", null, null, "a@b.example", null, null, null).port()).isEqualTo(465);
        assertThat(settings("h", null, "NONE", null, null, "a@b.example", null, null, null).port()).isEqualTo(25);
        assertThat(settings("h", null, "starttls", null, null, "a@b.example", null, null, null).port()).isEqualTo(587);
        assertThat(settings("h", 2525, "none", null, null, "a@b.example", null, null, null).port()).isEqualTo(2525);
    }

    @Test
    void theBoundsAreInclusive() {
        SmtpSettings low = settings("h", 1, null, null, null, "a@b.example", Duration.ofSeconds(1), 1, Duration.ofMillis(100));
        SmtpSettings high = settings("h", 65_535, null, null, null, "a@b.example", Duration.ofMinutes(2), 10, Duration.ofMinutes(10));

        assertThat(low.maxAttempts()).isEqualTo(1);
        assertThat(high.maxAttempts()).isEqualTo(10);
    }

    static Stream<Arguments> wrongSettings() {
        Duration d = null;
        return Stream.of(
                Arguments.of("port", (Supplier<SmtpSettings>) () -> settings("h", 0, null, "u", PASSWORD, "a@b.example", d, null, d)),
                Arguments.of("port", (Supplier<SmtpSettings>) () -> settings("h", 65_536, null, "u", PASSWORD, "a@b.example", d, null, d)),
                Arguments.of("security", (Supplier<SmtpSettings>) () -> settings("h", null, "ssl", "u", PASSWORD, "a@b.example", d, null, d)),
                Arguments.of("host", (Supplier<SmtpSettings>) () -> settings("smtp example.com", null, null, "u", PASSWORD, "a@b.example", d, null, d)),
                Arguments.of("host", (Supplier<SmtpSettings>) () -> settings(" ", null, null, "u", PASSWORD, "a@b.example", d, null, d)),
                Arguments.of("password", (Supplier<SmtpSettings>) () -> settings("h", null, null, "u", null, "a@b.example", d, null, d)),
                Arguments.of("username", (Supplier<SmtpSettings>) () -> settings("h", null, null, null, PASSWORD, "a@b.example", d, null, d)),
                Arguments.of("password", (Supplier<SmtpSettings>) () -> settings("h", null, null, "u", PASSWORD + "\r\n", "a@b.example", d, null, d)),
                Arguments.of("from", (Supplier<SmtpSettings>) () -> settings("h", null, null, "u", PASSWORD, null, d, null, d)),
                Arguments.of("from", (Supplier<SmtpSettings>) () -> settings("h", null, null, "u", PASSWORD, "not an address", d, null, d)),
                Arguments.of("from", (Supplier<SmtpSettings>) () -> settings("h", null, null, "u", PASSWORD, "nodomain", d, null, d)),
                Arguments.of("from", (Supplier<SmtpSettings>) () -> settings("h", null, null, "u", PASSWORD, "a@b.example\r\nBcc: x@evil.example", d, null, d)),
                Arguments.of("from", (Supplier<SmtpSettings>) () -> settings("h", null, null, "u", PASSWORD, PASSWORD, d, null, d)),
                Arguments.of("timeout", (Supplier<SmtpSettings>) () -> settings("h", null, null, "u", PASSWORD, "a@b.example", Duration.ofMillis(999), null, d)),
                Arguments.of("timeout", (Supplier<SmtpSettings>) () -> settings("h", null, null, "u", PASSWORD, "a@b.example", Duration.ofSeconds(121), null, d)),
                Arguments.of("maxAttempts", (Supplier<SmtpSettings>) () -> settings("h", null, null, "u", PASSWORD, "a@b.example", d, 0, d)),
                Arguments.of("maxAttempts", (Supplier<SmtpSettings>) () -> settings("h", null, null, "u", PASSWORD, "a@b.example", d, 11, d)),
                Arguments.of("retryDelay", (Supplier<SmtpSettings>) () -> settings("h", null, null, "u", PASSWORD, "a@b.example", d, null, Duration.ofMillis(99))),
                Arguments.of("retryDelay", (Supplier<SmtpSettings>) () -> settings("h", null, null, "u", PASSWORD, "a@b.example", d, null, Duration.ofMinutes(11))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("wrongSettings")
    void aWrongSettingIsNamedButNoValueIsRepeated(String setting, Supplier<SmtpSettings> make) {
        assertThatThrownBy(make::get)
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("SMTP setting '" + setting + "'")
                .hasMessageNotContaining(PASSWORD)
                .hasMessageNotContaining("evil")
                .hasMessageNotContaining("not an address");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"smtp.example.com", "10.0.0.25", "192.168.1.1", "[2001:db8::1]", "localhost.example.com", "127.0.0.1.example.com",
            "128.0.0.1", "127.0.0.256", "127.1"})
    void aPasswordInClearTextToAnotherMachineIsRefused(String host) {
        assertThatThrownBy(() -> settings(host, null, "none", "mailer", PASSWORD, "a@b.example", null, null, null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("SMTP settings 'username'/'password' need 'security' starttls or tls unless 'host' is this machine:"
                        + " the password would travel in clear text")
                .hasMessageNotContaining(PASSWORD)
                .hasMessageNotContaining("mailer");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"localhost", "LocalHost", "127.0.0.1", "127.0.1.1", "127.255.255.255", "::1", "[::1]"})
    void aPasswordInClearTextToThisMachineIsAllowed(String host) {
        SmtpSettings s = settings(host, 2525, "none", "mailer", PASSWORD, "a@b.example", null, null, null);

        assertThat(s.authenticates()).isTrue();
        assertThat(s.security()).isEqualTo("none");
    }

    @Test
    void withEncryptionOrWithoutAPasswordAnyHostIsAllowed() {
        assertThat(settings("smtp.example.com", null, "starttls", "mailer", PASSWORD, "a@b.example", null, null, null).authenticates()).isTrue();
        assertThat(settings("smtp.example.com", null, "tls", "mailer", PASSWORD, "a@b.example", null, null, null).authenticates()).isTrue();
        assertThat(settings("smtp.example.com", null, "none", null, null, "a@b.example", null, null, null).authenticates()).isFalse();
    }

    @Test
    void toStringShowsEverythingButThePassword() {
        SmtpSettings s = settings("smtp.example.com", null, "tls", "mailer", PASSWORD, "no-reply@example.com", null, null, null);

        assertThat(s.toString())
                .contains("smtp.example.com", "465", "tls", "mailer", "no-reply@example.com", "password=(set)")
                .doesNotContain(PASSWORD);
        assertThat(s.authenticates()).isTrue();
    }
}
