package dev.latchkey.provider.email;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The mail texts: defaults, overrides, and what a template may not do. */
class MailTemplatesTest {
    private static final String LINK = "https://app.example.com/confirm?token=T0KEN&tokenId=0123";
    private static final MailTemplates.Values VALUES =
            new MailTemplates.Values("ann@example.com", "my-app", LINK, Duration.ofMinutes(30));

    @ParameterizedTest
    @EnumSource(MailKind.class)
    void everyDefaultRendersWithEveryPlaceholderFilled(MailKind kind) {
        MailMessage mail = MailTemplates.defaults().render(kind, VALUES);

        assertThat(mail.to()).isEqualTo("ann@example.com");
        assertThat(mail.subject()).contains("my-app").doesNotContain("{{", "}}", "\n");
        assertThat(mail.body()).contains("ann@example.com", "my-app").doesNotContain("{{", "}}");
        if (kind == MailKind.CONFIRMATION || kind == MailKind.RESET) {
            assertThat(mail.body()).contains(LINK, "30 minutes");
        } else {
            assertThat(mail.body()).doesNotContain(LINK);
        }
    }

    @Test
    void theDefaultsSayWhatEachMailIsFor() {
        MailTemplates t = MailTemplates.defaults();

        assertThat(t.template(MailKind.CONFIRMATION).subject()).startsWith("Confirm your email address");
        assertThat(t.template(MailKind.RESET).subject()).startsWith("Reset your password");
        assertThat(t.template(MailKind.ACCOUNT_EXISTS).subject()).startsWith("Someone tried to sign up");
        assertThat(t.template(MailKind.PASSWORD_CHANGED).subject()).startsWith("Your password");
    }

    @Test
    void anOverrideReplacesOnlyWhatItGives() {
        MailTemplates t = MailTemplates.defaults().with(MailKind.RESET, new MailTemplate("{{appId}}: new password", null));

        MailMessage mail = t.render(MailKind.RESET, VALUES);

        assertThat(mail.subject()).isEqualTo("my-app: new password");
        assertThat(mail.body()).isEqualTo(MailTemplates.defaults().render(MailKind.RESET, VALUES).body());
        assertThat(MailTemplates.defaults().template(MailKind.RESET).subject()).startsWith("Reset");
    }

    @Test
    void overridesBindAsAMapByKind() {
        MailTemplates t = MailTemplates.defaults().with(Map.of(
                MailKind.CONFIRMATION, new MailTemplate(null, "Go: {{ link }}"),
                MailKind.PASSWORD_CHANGED, new MailTemplate("Changed", "Changed for {{email}}.")));

        assertThat(t.render(MailKind.CONFIRMATION, VALUES).body()).isEqualTo("Go: " + LINK);
        assertThat(t.render(MailKind.PASSWORD_CHANGED, VALUES).body()).isEqualTo("Changed for ann@example.com.");
    }

    @Test
    void renderingIsOnePassSoAValueIsNeverExpanded() {
        MailTemplates t = MailTemplates.defaults().with(MailKind.CONFIRMATION, new MailTemplate("{{email}}", "{{email}} {{link}} {{appId}}"));
        MailTemplates.Values hostile = new MailTemplates.Values("{{link}}@example.com", "{{email}}", "https://x.example/?a={{appId}}", Duration.ofMinutes(30));

        MailMessage mail = t.render(MailKind.CONFIRMATION, hostile);

        assertThat(mail.subject()).isEqualTo("{{link}}@example.com");
        assertThat(mail.body()).isEqualTo("{{link}}@example.com https://x.example/?a={{appId}} {{email}}");
    }

    @Test
    void aDollarOrBackslashInAValueIsInsertedAsIs() {
        MailTemplates.Values values = new MailTemplates.Values("ann@example.com", "app$1\\", LINK, Duration.ofMinutes(30));

        assertThat(MailTemplates.defaults().render(MailKind.CONFIRMATION, values).subject()).endsWith("app$1\\");
    }

    @Test
    void anUnknownPlaceholderIsRefusedWhenTheTemplatesAreBuilt() {
        assertThatThrownBy(() -> MailTemplates.defaults().with(MailKind.RESET, new MailTemplate(null, "{{link}} {{token}}")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("RESET")
                .hasMessageContaining("unknown placeholder {{token}}");
        // A notice has no link to offer.
        assertThatThrownBy(() -> MailTemplates.defaults().with(MailKind.PASSWORD_CHANGED, new MailTemplate(null, "see {{link}}")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("PASSWORD_CHANGED")
                .hasMessageContaining("unknown placeholder {{link}}");
    }

    @ParameterizedTest
    @EnumSource(value = MailKind.class, names = {"CONFIRMATION", "RESET"})
    void aLinkMailWithoutItsLinkIsRefused(MailKind kind) {
        assertThatThrownBy(() -> MailTemplates.defaults().with(kind, new MailTemplate(null, "Welcome, {{email}}!")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(kind.name())
                .hasMessageContaining("must contain {{link}}");
    }

    @Test
    void aSubjectWithALineBreakIsRefusedInTheTemplateAndOnceRendered() {
        assertThatThrownBy(() -> MailTemplates.defaults().with(MailKind.RESET, new MailTemplate("Reset\r\nBcc: x@evil.example", null)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("RESET")
                .hasMessageContaining("one line");

        MailTemplates.Values hostile = new MailTemplates.Values("ann@example.com", "app\r\nBcc: x@evil.example", LINK, Duration.ofMinutes(30));
        assertThatThrownBy(() -> MailTemplates.defaults().render(MailKind.RESET, hostile))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("rendered subject of the RESET mail");
    }

    @Test
    void blankTextsAreRefused() {
        assertThatThrownBy(() -> MailTemplates.defaults().with(MailKind.ACCOUNT_EXISTS, new MailTemplate(" ", null)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("ACCOUNT_EXISTS");
    }

    @Test
    void aLinkMailCannotBeRenderedWithoutALink() {
        MailTemplates.Values noLink = new MailTemplates.Values("ann@example.com", "my-app", null, null);

        assertThat(MailTemplates.defaults().render(MailKind.ACCOUNT_EXISTS, noLink).body()).contains("ann@example.com");
        assertThatThrownBy(() -> MailTemplates.defaults().render(MailKind.CONFIRMATION, noLink))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void valuesAndMessagesNeverShowTheLink() {
        assertThat(VALUES.toString()).doesNotContain("T0KEN");
        assertThat(MailTemplates.defaults().render(MailKind.CONFIRMATION, VALUES).toString())
                .contains("ann@example.com")
                .doesNotContain("T0KEN");
    }
}
