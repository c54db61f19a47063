package dev.latchkey.provider.email;

import static dev.latchkey.provider.email.EmailFixture.assertCode;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.latchkey.api.ErrorCode;
import dev.latchkey.api.ProviderTypes;
import dev.latchkey.testkit.EngineHarness;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Settings that make no sense fail start-up with CONFIGURATION, naming the setting, never a value. */
class EmailPasswordSettingsTest {
    private final EmailFixture fixture = new EmailFixture();

    @AfterEach
    void close() {
        fixture.close();
    }

    private void assertRefused(Consumer<Map<String, Object>> change, String... messageParts) {
        assertCode(() -> fixture.engine(change), ErrorCode.CONFIGURATION, messageParts);
    }

    @Test
    void exactlyOneWayToConfirmAccounts() {
        assertRefused(s -> s.remove("emailConfirmationUrl"), "choose exactly one way to confirm accounts");
        assertRefused(s -> s.put("autoConfirm", true), "choose exactly one way to confirm accounts");
        assertRefused(s -> {
            s.remove("emailConfirmationUrl");
            s.put("autoConfirm", true);
            s.put("runConfirmationFunction", true);
        }, "choose exactly one way");
        assertRefused(s -> s.put("runResetFunction", true), "choose one way to reset passwords");
    }

    @Test
    void linksMustBeAbsoluteHttpsWithoutAFragment() {
        assertRefused(s -> s.put("emailConfirmationUrl", "http://app.example.com/confirm"), "emailConfirmationUrl must use https");
        assertRefused(s -> s.put("resetPasswordUrl", "/reset"), "resetPasswordUrl must be an absolute https URL");
        assertRefused(s -> s.put("resetPasswordUrl", "https://app.example.com/reset#top"), "must not have a fragment");
        assertRefused(s -> s.put("emailConfirmationUrl", "javascript:alert(1)"), "emailConfirmationUrl must be an absolute https URL");
        fixture.engine(s -> s.put("emailConfirmationUrl", "http://localhost:8080/confirm"));
    }

    @Test
    void mailNeedsAServerAndASender() {
        assertRefused(s -> s.remove("smtp"), "smtp.host is required");
        assertRefused(s -> s.put("smtp", Map.of("host", "localhost")), "SMTP setting 'from' is required");
    }

    @Test
    void enumerationProtectionNeedsMailConfirmationAndNoResetFunction() {
        assertRefused(s -> {
            s.remove("emailConfirmationUrl");
            s.put("autoConfirm", true);
            s.put("enumerationProtection", true);
        }, "enumerationProtection needs confirmation by mail");
        assertRefused(s -> {
            s.remove("resetPasswordUrl");
            s.put("runResetFunction", true);
            s.put("enumerationProtection", true);
        }, "enumerationProtection needs confirmation by mail", "reset function");
        fixture.engine(s -> s.put("enumerationProtection", true));
    }

    @Test
    void boundsAndTyposAreNamed() {
        assertRefused(s -> s.put("minPasswordLength", 5), "minPasswordLength must be 6 to 128");
        assertRefused(s -> s.put("minPasswordLength", 129), "minPasswordLength");
        assertRefused(s -> s.put("passwordHashing", Map.of("memoryKib", 1 << 21)), "passwordHashing: memory");
        assertRefused(s -> s.put("passwordHashing", Map.of("iterations", 1, "memoryKb", 1024)), "providers.local-userpass.passwordHashing",
                "unknown setting [memoryKb]");
        assertRefused(s -> s.put("passwordHashing", Map.of("implementation", "bouncycastle")),
                "passwordHashing: implementation must be \"auto\", \"native\" or \"java\"");
        assertRefused(s -> s.put("autoconfirm", true), "unknown setting [autoconfirm]");
        assertRefused(s -> s.put("templates", Map.of("reset", Map.of("body", "no link here"))), "{{link}}");
        assertRefused(s -> s.put("templates", Map.of("confirmation", Map.of("subject", "Hi {{name}}"))), "{{name}}");
    }

    @Test
    void theSmtpPasswordNeverAppearsInAnError() {
        assertThatThrownBy(() -> fixture.engine(s -> s.put("smtp", Map.of("host", "localhost", "username", "mailer",
                "password", "smtp-secret-hunter2", "port", 0, "from", "no-reply@app.example.com"))))
                .hasMessageNotContaining("smtp-secret-hunter2")
                .hasMessageContaining("port");
    }

    @Test
    void theDesignsDevelopmentConfigurationNeedsNoMail() {
        EngineHarness engine = EngineHarness.builder().enable(ProviderTypes.EMAIL_PASSWORD, Map.of("autoConfirm", true)).build().start();
        try (engine) {
            engine.service().emailPassword().registerUser("ann@example.com", "a long enough secret");
            assertCode(() -> engine.service().emailPassword().sendResetPasswordEmail("ann@example.com"),
                    ErrorCode.OPERATION_NOT_ALLOWED, "resetPasswordUrl");
            assertThat(fixture.mailbox.messagesTo("ann@example.com")).isEmpty();
        }
    }
}
