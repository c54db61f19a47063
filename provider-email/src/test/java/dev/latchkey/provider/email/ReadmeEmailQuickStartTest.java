package dev.latchkey.provider.email;

import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.api.AuthApp;
import dev.latchkey.api.Credentials;
import dev.latchkey.api.User;
import dev.latchkey.core.Latchkey;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The email/password snippet of the root README, as written there, on the embedded default store. */
class ReadmeEmailQuickStartTest {

    @Test
    void theReadmeSnippetRuns(@TempDir Path dataDirectory) {
        // --- as in README.md ---
        AuthApp app = Latchkey.app("my-app")
                .dataDirectory(dataDirectory)
                .config("""
                        { "providers": { "local-userpass": { "enabled": true, "autoConfirm": true } } }
                        """)
                .build();
        app.emailPassword().registerUser("bob@example.com", "correct horse battery staple");
        User bob = app.logIn(Credentials.emailPassword("bob@example.com", "correct horse battery staple"));
        // --- end ---
        try (app) {
            assertThat(bob.profile().email()).isEqualTo("bob@example.com");
            assertThat(app.currentUser()).containsSame(bob);
        }
    }
}
